import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { devContentSecurityPolicy } from './electron/main/dev-csp-plugin';

// Three builds: the main process (Node, ESM), a sandboxed preload (one self-contained CommonJS
// file, as Electron's sandbox requires) and the React renderer.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Bundled like the gate-ops command (electron/cli/vite.config.ts): loading rxdb, rxjs
      // (with mingo) and zod from node_modules was about 650 module files read at every start.
      // The other packages stay in node_modules (pdfkit reads its font files there, ws looks
      // for optional native helpers, the rest load only when first needed).
      externalizeDeps: { exclude: ['rxdb', 'rxjs', 'zod', 'csv-parse', 'csv-stringify', 'fflate'] },
      rollupOptions: {
        input: {
          index: resolve('electron/main/index.ts'),
          // Venue sync checks pulled batches on a worker thread that runs this file.
          'pulled-check-worker': resolve('electron/sync/join/pulled-check-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    // The dev server's index.html gets the development CSP (HMR socket, React refresh preamble).
    plugins: [react(), devContentSecurityPolicy()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
