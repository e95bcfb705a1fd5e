import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { generate } from '@graphql-codegen/cli';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import config, { GENERATED_FILE, INTROSPECTION_FILE } from '../src/sdk/codegen.ts';
import * as sdk from '../src/sdk/generated/graphql.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the generated SDK', () => {
  it('matches what codegen makes from schema.graphql and src/sdk/operations (run `npm run sdk:generate`)', async () => {
    const outputs = await generate({ ...config, cwd: root, silent: true }, false);
    for (const file of [GENERATED_FILE, INTROSPECTION_FILE]) {
      const generated = outputs.find((o: { filename: string }) => o.filename.endsWith(file));
      expect(generated, `codegen produced ${file}`).toBeDefined();
      const checkedIn = await readFile(new URL(`../${file}`, import.meta.url), 'utf8');
      // A plain boolean keeps a stale file's failure message short instead of a 200 kB diff.
      const upToDate = generated!.content === checkedIn;
      expect(upToDate, `${file} is stale: run "npm run sdk:generate" and commit the result`).toBe(true);
    }
  });

  it("sends only operations within the server's default cost and depth limits", async () => {
    const schema = buildSchema(await readFile(new URL('../schema.graphql', import.meta.url), 'utf8'));
    // The defaults of createCapstanYoga (src/server/yoga.ts): maxCost 50,000, maxDepth 15.
    const rules = [
      ...specifiedRules,
      costLimitRule({ maxCost: 50_000 }),
      maxDepthRule({ n: 15, flattenFragments: true }),
    ];
    const documents = Object.entries(sdk).filter(([name]) => name.endsWith('Document'));
    expect(documents.length).toBeGreaterThan(30);
    for (const [name, document] of documents) {
      const errors = validate(schema, parse(String(document)), rules).map((e) => e.message);
      expect(errors, name).toEqual([]);
    }
  });
});
