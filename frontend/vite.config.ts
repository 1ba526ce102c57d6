import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';
import { nextcloudTranslations } from './vite/nextcloud-translations.js';

// In development the API runs on its own port; Vite forwards to it.
const api = process.env['SIPCALL_API'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  // Nextcloud's components keep their own words only in the languages the app speaks (English is their source).
  plugins: [vue(), nextcloudTranslations(['de', 'fr'])],
  server: {
    host: '127.0.0.1',
    proxy: { '/api': api, '/healthz': api, '/readyz': api },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.ts', 'vite/**/*.spec.ts'],
    setupFiles: ['src/test/setup.ts'],
    // @nextcloud/vue ships its components with CSS imports; let Vite handle them.
    server: { deps: { inline: [/@nextcloud\//] } },
    // Upper bounds for a busy machine (two suites at once on two cores), not expectations.
    testTimeout: 30_000,
    expect: { poll: { timeout: 10_000 } },
  },
});
