import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { CliError } from './cli-error.ts';

/** The kinds `apply`/`create -f` accept, with the apiVersion Kubernetes gives them. */
export const MANIFEST_KINDS: Record<string, string> = {
  Namespace: 'v1',
  Pod: 'v1',
  ReplicationController: 'v1',
  Service: 'v1',
  PersistentVolumeClaim: 'v1',
  Endpoints: 'v1',
  Deployment: 'apps/v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Lease: 'coordination.k8s.io/v1',
};

/** One file (or stdin) given with `-f`. */
export interface ManifestSource {
  /** File path, or `<stdin>`. */
  name: string;
  text: string;
}

/** One object of a manifest, with where it came from. */
export interface ManifestObject {
  source: string;
  /** 1-based line where the document starts. */
  line: number;
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  object: Record<string, unknown>;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function filesOf(path: string, recursive: boolean): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(path, entry.name);
    if (entry.isDirectory() && recursive) files.push(...(await filesOf(full, recursive)));
    else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) files.push(full);
  }
  return files;
}

/**
 * Reads what `-f` names: `-` is standard input, a folder gives its .yaml/.yml/.json files in name order (with
 * `recursive`, those of its subfolders too), anything else is one file.
 */
export async function readManifestSources(
  paths: readonly string[],
  options: { recursive?: boolean; stdin?: NodeJS.ReadableStream } = {},
): Promise<ManifestSource[]> {
  if (paths.length === 0) throw new CliError('must give at least one file with -f (a file, a folder, or - for stdin)');
  const sources: ManifestSource[] = [];
  for (const path of paths) {
    if (path === '-') {
      sources.push({ name: '<stdin>', text: await readStdin(options.stdin ?? process.stdin) });
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch {
      throw new CliError(`the path "${path}" does not exist`);
    }
    const files = isDirectory ? await filesOf(path, options.recursive ?? false) : [path];
    if (isDirectory && files.length === 0) throw new CliError(`no .yaml, .yml or .json files in folder "${path}"`);
    for (const file of files) sources.push({ name: file, text: await readFile(file, 'utf8') });
  }
  return sources;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses one source's multi-document YAML and checks what the server would refuse without saying where: syntax,
 * kind and apiVersion, metadata.name. Errors name the file and line (`web.yaml:7: ...`).
 */
export function parseManifestSource(source: ManifestSource): ManifestObject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source.text, { lineCounter, prettyErrors: false });
  const objects: ManifestObject[] = [];
  for (const doc of Array.isArray(docs) ? docs : []) {
    const error = doc.errors[0];
    if (error) {
      const pos = lineCounter.linePos(error.pos[0]);
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
      throw new CliError(`${source.name}:${pos.line}:${pos.col}: invalid YAML: ${message}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const line = lineCounter.linePos(doc.contents?.range[0] ?? doc.range[0]).line;
    const fail = (message: string) => new CliError(`${source.name}:${line}: ${message}`);
    if (!isMapping(value)) throw fail('a document must be a mapping with apiVersion, kind and metadata');
    const { kind, apiVersion, metadata } = value;
    if (typeof kind !== 'string' || kind === '') throw fail('kind is missing');
    const expected = MANIFEST_KINDS[kind];
    if (!expected) {
      throw fail(`kind "${kind}" is not supported (supported: ${Object.keys(MANIFEST_KINDS).join(', ')})`);
    }
    if (apiVersion !== expected) {
      throw fail(`apiVersion ${JSON.stringify(apiVersion ?? null)} is not supported for ${kind} (use ${expected})`);
    }
    if (!isMapping(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
      throw fail(`${kind} has no metadata.name`);
    }
    objects.push({
      source: source.name,
      line,
      kind,
      apiVersion: expected,
      name: metadata.name,
      ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
      object: value,
    });
  }
  return objects;
}
