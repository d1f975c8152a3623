/**
 * bin/gate-ops.mjs as a service manager or a shell sees it. When it runs the work in a Node 24
 * child (started by an older Node; GATE_OPS_NODE forces that here), a signal to the wrapper must
 * reach the child, the child must stop cleanly, and the wrapper must exit as the child did. It
 * used to `spawnSync` the child and ignore signals: `kill PID` left a relay simulator serving.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../helpers/cli';
import { fillStore } from '../../../helpers/damage';
import {
  childPids,
  isRunning,
  startGateOps,
  type GateOpsProcess,
} from '../../../helpers/gate-ops-process';
import { tempDir } from '../../../helpers/relay';

/** Run the work in a child process, as under an older system Node. */
const WRAPPED = { ...process.env, GATE_OPS_NODE: process.execPath };

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function track(run: GateOpsProcess): GateOpsProcess {
  cleanups.push(() => {
    for (const pid of childPids(run.child.pid ?? -1)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  });
  return run;
}

/** The Node 24 child doing the work (the wrapper's only child). */
function workerOf(run: GateOpsProcess): number {
  const kids = childPids(run.child.pid ?? -1);
  expect(kids).toHaveLength(1);
  return kids[0] as number;
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('gate-ops wrapper and signals', () => {
  it('SIGTERM to the wrapper stops the relay simulator it runs: the port closes, status 0', async () => {
    const run = track(startGateOps(['relay-sim', '--port', '0', '--rate', '50'], { env: WRAPPED }));
    const listening = await run.waitForLine(/relay simulator listening on ws:\/\/127\.0\.0\.1:\d+/);
    const port = Number(/:(\d+)/.exec(listening.replace('ws://', ''))?.[1]);
    const worker = workerOf(run);
    expect(worker).not.toBe(run.child.pid);
    expect(await portAccepts(port)).toBe(true);

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.lines.some((l) => /^stopped after sending \d+ messages$/.test(l))).toBe(true);
    expect(isRunning(worker)).toBe(false);
    expect(await portAccepts(port)).toBe(false);
    // The built program ran, not the sources.
    expect(run.lines.join('\n')).not.toContain('running from the sources');
  });

  it('SIGTERM to the wrapper of `headless` commits the batch being written before exiting', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const run = track(
      startGateOps(['headless', '--data-dir', dir, '--progress'], { env: WRAPPED }),
    );
    await run.waitForLine(/^\{"committed":[1-9]/);
    const worker = workerOf(run);

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(isRunning(worker)).toBe(false);
    const stopped = run.lines.find((l) => /^stopped: \d+ check-ins stored/.test(l));
    expect(stopped).toBeDefined();
    const stored = Number(/^stopped: (\d+)/.exec(stopped ?? '')?.[1]);
    const lastProgress = run.lines.filter((l) => l.startsWith('{"committed"')).at(-1) ?? '{}';
    expect(stored).toBeGreaterThanOrEqual(JSON.parse(lastProgress).stored as number);

    // What it said it stored is what the store holds.
    const stats = await runCli(['stats', '--demo', '--json', '--data-dir', dir]);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout).checkins).toBe(stored);
  });

  it('a Ctrl-C in a terminal (SIGINT to wrapper and child at once) is still one clean stop', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    // Its own process group, so the signal can go to the whole group as a terminal sends it.
    const run = track(
      startGateOps(['headless', '--data-dir', dir, '--progress'], { env: WRAPPED, detached: true }),
    );
    await run.waitForLine(/^\{"committed":[1-9]/);
    const worker = workerOf(run);
    process.kill(-(run.child.pid as number), 'SIGINT');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(isRunning(worker)).toBe(false);
    expect(run.lines.some((l) => /^stopped: \d+ check-ins stored/.test(l))).toBe(true);
  });

  it('`export` on Node 24 runs in a child (started with its Node flags) and writes exactly what the command writes in-process', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    await fillStore(dir, 600);
    const args = ['--format', 'csv', '--quiet', '--data-dir', dir, '--tz', 'UTC'];
    const run = startGateOps(['export', ...args, '--out', join(dir, 'wrapped.csv')]);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const direct = await runCli(['export', ...args, '--out', join(dir, 'direct.csv')]);
    expect(direct.code).toBe(0);
    const wrapped = readFileSync(join(dir, 'wrapped.csv'), 'utf8');
    expect(wrapped.split('\n').length).toBeGreaterThan(500);
    expect(wrapped).toBe(readFileSync(join(dir, 'direct.csv'), 'utf8'));
  });

  it('exits with the status of the command it ran', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"specversion":"1.0"}\n');
    const rejected = startGateOps(['validate', file], { env: WRAPPED });
    expect((await rejected.exited).code).toBe(1);
    const usage = startGateOps(['validate', '--no-such-option'], { env: WRAPPED });
    expect((await usage.exited).code).toBe(2);
    const help = startGateOps(['--help'], { env: WRAPPED });
    expect(await help.exited).toEqual({ code: 0, signal: null });
    expect(help.lines.join('\n')).toMatch(/Commands:[\s\S]*headless/);
  });

  it('dies of the same signal when the child is killed', async () => {
    const run = track(startGateOps(['relay-sim', '--port', '0'], { env: WRAPPED }));
    await run.waitForLine(/relay simulator listening/);
    process.kill(workerOf(run), 'SIGKILL');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });
});
