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
    ssr: true,
    outDir: resolve(root, 'out', 'cli'),
    emptyOutDir: true,
    target: 'node24',
    minify: false,
    sourcemap: true,
    reportCompressedSize: false,
    rollupOptions: {
      input: [
        resolve(import.meta.dirname, 'entry.ts'),
        // Venue sync checks pulled batches on a worker thread that runs this module (emitted
        // next to pulled-check.js, where that module looks for it).
        resolve(root, 'electron/sync/join/pulled-check-worker.ts'),
      ],
      // Our own modules are included only when a name they export is used. Folders are
      // imported through their index (`../db`, `../app`), and without this the bundler keeps
      // every module such an index re-exports (top-level calls count as side effects), so
      // `gate-ops --help` or `stats` loaded the whole app (exceljs, pdfkit, NATS, …: ~3 s and
      // ~100 MB before any work). Packages keep their own side-effect rules; no file of ours is
      // imported for its side effects alone (a bare `import './x'`).
      treeshake: {
        moduleSideEffects: (id: string, external: boolean) =>
          external || !/[\\/](electron|shared)[\\/]/.test(id) || /node_modules/.test(id),
      },
      output: {
        format: 'es',
        // One file per module: a command loads exactly the modules it imports (see above).
        preserveModules: true,
        preserveModulesRoot: root,
        entryFileNames: (chunk) =>
          chunk.facadeModuleId === resolve(import.meta.dirname, 'entry.ts')
            ? 'gate-ops.js'
            : 'modules/[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
