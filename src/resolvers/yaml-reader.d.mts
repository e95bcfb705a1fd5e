/** One non-empty YAML document: its value and the 1-based line where its content starts. */
export interface YamlDocument {
  value: unknown;
  line: number;
}

export type YamlReadResult = { documents: YamlDocument[] } | { error: { field: string; message: string } };

export const MAX_ALIAS_COUNT: number;
export const MAX_DEPTH: number;
export function readYamlDocuments(text: string): YamlReadResult;
