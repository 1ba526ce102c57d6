import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file opens its own embedded database; two cores, two at a time.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
