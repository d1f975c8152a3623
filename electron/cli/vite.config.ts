/**
 * The `gate-ops` command, built into out/cli (run by bin/gate-ops.mjs): one ES module for Node 24
 * plus a chunk per subcommand (commands.ts loads them on demand, so `--help` loads none).
 * Packages stay external and load from node_modules, as in the main-process build.
 * `npx vite build -c electron/cli/vite.config.ts` (part of `npm run build`).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '..', '..');

export default defineConfig({
  root,
  logLevel: 'warn',
  publicDir: false,
  build: {
    ssr: resolve(import.meta.dirname, 'entry.ts'),
    outDir: resolve(root, 'out', 'cli'),
    emptyOutDir: true,
    target: 'node24',
    minify: false,
    sourcemap: true,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        format: 'es',
        entryFileNames: 'gate-ops.js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
