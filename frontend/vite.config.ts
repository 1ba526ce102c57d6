import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// In development the API runs on its own port; Vite forwards to it.
const api = process.env['SIPCALL_API'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [vue()],
  server: {
    host: '127.0.0.1',
    proxy: { '/api': api, '/healthz': api, '/readyz': api },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.ts'],
    // @nextcloud/vue and @nextcloud/dialogs ship with CSS imports; let Vite handle them.
    server: { deps: { inline: [/@nextcloud\/vue/, /@nextcloud\/dialogs/] } },
    // Upper bounds for a busy machine (two suites at once on two cores), not expectations.
    testTimeout: 30_000,
    expect: { poll: { timeout: 10_000 } },
  },
});
