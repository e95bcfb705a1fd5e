import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printCapstanSchema, SCHEMA_FILE } from '../scripts/print-schema.ts';

describe('schema.graphql', () => {
  it('matches the schema printed from the Pothos builder (run `npm run schema:print` after changing the schema)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printCapstanSchema());
  });
});
