import { defineConfig } from 'vitest/config';

// Browser end-to-end tests; run through e2e/run.mjs, which puts them in a
// loopback-only network namespace.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
