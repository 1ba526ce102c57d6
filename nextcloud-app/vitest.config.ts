import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [vue()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.ts'],
    // @nextcloud/vue ships its components with CSS imports; let Vite handle them.
    server: { deps: { inline: [/@nextcloud\//] } },
    testTimeout: 30_000,
  },
});
