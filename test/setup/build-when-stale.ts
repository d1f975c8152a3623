/**
 * Vitest global setup: the tests that run the built program (bin/gate-ops.mjs → out/cli, the
 * built main and preload bundles, out/renderer for headless mode) must see the current sources.
 * Runs `npm run build` once before any test when out/ is missing or older than a source or a
 * build config; a fresh build costs only the walk over the file dates.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** What `npm run build` writes; the oldest of them is the build's age. */
export const BUILD_OUTPUTS = [
  'out/main/index.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
  'out/cli/gate-ops.js',
] as const;

const SOURCES = ['electron', 'shared', 'renderer'];
const CONFIGS = ['electron.vite.config.ts', 'package.json', 'package-lock.json'];

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : mtime(p));
  }
  return t;
}

export function buildIsStale(root = ROOT): boolean {
  const built = Math.min(...BUILD_OUTPUTS.map((f) => mtime(join(root, f))));
  const sources = Math.max(
    ...SOURCES.map((d) => newest(join(root, d))),
    ...CONFIGS.map((f) => mtime(join(root, f))),
  );
  return built === 0 || built < sources;
}

export function setup(): void {
  if (!buildIsStale()) return;
  console.log('[test setup] out/ is missing or older than the sources: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run build failed (${r.status ?? r.signal})`);
}
