/**
 * The `gate-ops` command, built into out/cli (run by bin/gate-ops.mjs): one ES module for Node 24
 * plus chunks per subcommand (commands.ts loads them on demand, so `--help` loads none).
 * Packages are bundled into the chunks, except the few listed in `external` below.
 * `npx vite build -c electron/cli/vite.config.ts` (part of `npm run build`).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '..', '..');

export default defineConfig({
  root,
  logLevel: 'warn',
  publicDir: false,
  // Bundled, not loaded from node_modules: `gate-ops headless` resolved and read about 960 files
  // at start (mingo 253, rxjs 226, zod 95, rxdb 70, ...), one package-exports lookup, stat and
  // read each: about 0.6 s of CPU before any work, several seconds on a loaded machine. Bundled,
  // loading the headless command takes 0.25-0.45 s of CPU.
  ssr: { noExternal: true },
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
        // Venue sync checks pulled batches on a worker thread that runs this module (emitted as
        // out/cli/pulled-check-worker.js, beside chunks/, where pulled-check.js looks for it).
        resolve(root, 'electron/sync/join/pulled-check-worker.ts'),
      ],
      // Kept in node_modules: pdfkit reads its font files next to its own code; ws looks for
      // optional native helpers; the rest load only when needed (a certificate, NATS sync, a
      // join code, the XLSX bench), so bundling them would gain nothing at start.
      external: [
        /^ws(\/|$)/,
        /^pdfkit(\/|$)/,
        /^@peculiar\//,
        'reflect-metadata',
        /^@nats-io\//,
        /^qrcode(\/|$)/,
        /^exceljs(\/|$)/,
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
        // Chunks hold the modules that the same set of commands loads, so a command still
        // loads only what it imports. The worker entry sits beside the chunks' folder, where
        // pulled-check.js looks for it.
        entryFileNames: (chunk) =>
          chunk.facadeModuleId === resolve(import.meta.dirname, 'entry.ts')
            ? 'gate-ops.js'
            : '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
