import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One copy of graphql for everyone: Node resolves `graphql` to its CommonJS build for yoga, Pothos and
    // graphql-ws, so project code must not get the ESM build under vitest (two realms break `instanceof`).
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // End-to-end tests share one Docker engine and one Redis; files run in parallel up to the core count.
    maxWorkers: 2,
    projects: [
      {
        // Pure logic beside its source: no Redis, no Docker, no build (`npm run test:unit`). Both point at nothing
        // here, so a unit test that starts to need either fails on every machine, not only on one without them.
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          env: { REDIS_URL: 'redis://127.0.0.1:1', DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
        },
      },
      {
        // Real Redis, real Docker engine, the built CLI: the global setup checks all three and builds dist/.
        extends: true,
        test: { name: 'integration', include: ['test/**/*.test.ts'], globalSetup: ['test/global-setup.ts'] },
      },
    ],
  },
});
