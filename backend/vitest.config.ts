import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Upper bounds for a test that hangs, not how long one should take: a busy
    // 2-core machine (two suites at once) runs several times slower than a quiet one.
    testTimeout: 90_000,
    hookTimeout: 180_000,
    globalSetup: ['test/support/global-setup.ts'],
    // expect.poll likewise: it returns as soon as the expectation holds.
    expect: { poll: { timeout: 15_000 } },
    // Each file opens its own embedded database (a copy of the run's template); two cores, two at a time.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
