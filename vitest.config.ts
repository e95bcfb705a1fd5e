import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // End-to-end tests share one Docker engine and one Redis; files run in parallel up to the core count.
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
