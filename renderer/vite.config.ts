/**
 * The renderer alone, for headless mode and the end-to-end tests: the same build as the
 * renderer section of electron.vite.config.ts (into out/renderer), without building main and
 * preload. `npx vite build -c renderer/vite.config.ts`.
 */
// A build script runs under Node; the renderer boundary rule is for code that ships in the page.
// eslint-disable-next-line no-restricted-imports
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname),
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../out/renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048,
    rollupOptions: { input: resolve(import.meta.dirname, 'index.html') },
  },
});
