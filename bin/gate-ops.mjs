#!/usr/bin/env node
// Entry point of the `gate-ops` command. It runs the built program, out/cli/gate-ops.js (made by
// `npm run build`), on Node 24: the same Node as Electron 45's main process, which has
// node:sqlite.
//
// Started by an older Node (a system `node` outside npm scripts), with GATE_OPS_NODE set to
// another Node, or for a command that needs Node flags (`export`, below), it runs that Node as
// a child and stays in between as a thin parent: SIGINT,
// SIGTERM and SIGHUP sent to it are passed on to the child (so `kill PID` or a service manager
// stops the process doing the work), and it exits with the child's status, or dies of the same
// signal.
//
// In a development checkout where the build is missing or older than the sources, it runs the
// TypeScript sources through tsx instead, and says so on stderr (tsx takes ~1 s to start).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];

// `export` streams a million rows through short-lived strings: V8's young generation then grows
// to its default ceiling (about 140 MB reserved for 16 MB in use at 1M rows) and the peak memory
// with the row count. Capped at start (it cannot be changed once Node runs), the export's memory
// stays flat: CSV of 1M rows 120-130 MB, of a quarter 110-140 MB (220 / 160 MB uncapped). At 8 MB
// the CPU time is the same as uncapped; at 2 MB it was 15 % more. The app keeps V8's defaults.
const NODE_FLAGS = process.argv[2] === 'export' ? ['--max-semi-space-size=8'] : [];
const flagsMissing = NODE_FLAGS.some((f) => !process.execArgv.includes(f));

if (!process.env.GATE_OPS_REEXEC && (major < 24 || process.env.GATE_OPS_NODE || flagsMissing)) {
  runOnNode24();
} else {
  await runHere();
}

function runOnNode24() {
  const node =
    process.env.GATE_OPS_NODE ||
    (major >= 24
      ? process.execPath
      : [
          join(root, 'node_modules', 'node', 'bin', 'node'),
          join(root, 'node_modules', '.bin', 'node'),
        ]
          .filter((p) => existsSync(p))
          .at(0));
  if (!node) {
    process.stderr.write(
      `gate-ops needs Node 24 or newer (this is ${process.version}); run npm install first.\n`,
    );
    process.exit(2);
  }
  const child = spawn(
    node,
    [...NODE_FLAGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, GATE_OPS_REEXEC: '1' },
    },
  );
  // A Ctrl-C in a terminal reaches the child directly as well; gate-ops takes the second one
  // calmly (see electron/cli/process-io.ts), so forwarding every signal is safe.
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  child.on('error', (error) => {
    process.stderr.write(`gate-ops: could not start ${node}: ${error.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    if (code !== null) process.exit(code);
    // Die of the same signal, so whoever started us sees what happened to the child.
    for (const s of FORWARDED) process.off(s, forward);
    process.kill(process.pid, signal ?? 'SIGTERM');
  });
}

async function runHere() {
  const built = join(root, 'out', 'cli', 'gate-ops.js');
  const builtAt = mtime(built);
  const sourcesAt = newestSource();
  let program;
  if (builtAt > 0 && builtAt >= sourcesAt) {
    // Node caches the compiled bundle on disk: later starts skip parsing it.
    nodeModule.enableCompileCache?.();
    program = await import(pathToFileURL(built).href);
  } else {
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      process.stderr.write('gate-ops is not built: run npm run build\n');
      process.exit(2);
    }
    process.stderr.write(
      `gate-ops: running from the sources (out/cli is ${builtAt ? 'older than the sources' : 'not built'}; npm run build makes it start faster)\n`,
    );
    tsx.register();
    program = await import('../electron/cli/entry.ts');
  }
  process.exitCode = await program.run(process.argv.slice(2));
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Newest modification time of the sources the CLI is built from (0 when there are none). */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, mtime(path));
    }
  };
  walk(join(root, 'electron'));
  walk(join(root, 'shared'));
  return newest;
}
