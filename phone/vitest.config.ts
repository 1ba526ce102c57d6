import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The ring and the incoming-call notice use the DOM's Notification and AudioContext, which the specs stand in for.
    environment: 'jsdom',
    include: ['src/**/*.spec.ts'],
  },
});
