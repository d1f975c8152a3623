#!/usr/bin/env node
// Entry point of the `gate-ops` command. It runs the TypeScript sources directly (through tsx) on
// Node 24, the same Node as Electron 45's main process, which has node:sqlite. When started by an
// older Node (a system `node` outside npm scripts), it re-runs itself with the project's node@24.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 24 && !process.env.GATE_OPS_REEXEC) {
  const candidates = [
    join(root, 'node_modules', 'node', 'bin', 'node'),
    join(root, 'node_modules', '.bin', 'node'),
  ];
  const node24 = candidates.find((p) => existsSync(p));
  if (!node24) {
    process.stderr.write(
      `gate-ops needs Node 24 or newer (this is ${process.version}); run npm install first.\n`,
    );
    process.exit(2);
  }
  const result = spawnSync(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, GATE_OPS_REEXEC: '1' },
  });
  process.exit(result.status ?? 1);
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
