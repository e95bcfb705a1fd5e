import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One copy of graphql for everyone: Node resolves `graphql` to its CommonJS build for yoga, Pothos and
    // graphql-ws, so project code must not get the ESM build under vitest (two realms break `instanceof`).
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // End-to-end tests share one Docker engine and one Redis; files run in parallel up to the core count.
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
