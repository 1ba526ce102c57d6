import { defineConfig } from 'vitest/config';

// Browser end-to-end tests; run through e2e/run.mjs, which puts them in a
// loopback-only network namespace.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    fileParallelism: false,
    // Upper bounds for a busy machine, not expectations: polls return as soon as they hold.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    expect: { poll: { timeout: 20_000 } },
  },
});
