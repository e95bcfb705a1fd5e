import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as GraphQL from 'graphql';
import { format } from 'prettier';
import { schema } from '../src/schema/index.ts';

// The schema's types come from the graphql copy Pothos loads (CommonJS); print with that same copy, since under
// vitest a plain `import 'graphql'` here would load the ESM copy, which refuses types of another realm.
const { printSchema } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/** Where the printed schema is checked in. */
export const SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));

/** The SDL of Capstan's schema as checked in at schema.graphql: printed, then formatted as `prettier --check` wants. */
export async function printCapstanSchema(): Promise<string> {
  return format(printSchema(schema), { parser: 'graphql', filepath: SCHEMA_FILE });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, await printCapstanSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
