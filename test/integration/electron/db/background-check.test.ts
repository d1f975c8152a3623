/**
 * The background damage check never holds the app up: SQLite's check cannot be interrupted, and
 * a process does not end before its worker threads return (a full check of a 1M file held a
 * process up for 3 min 50 s after `process.exit`), so the check runs in a child process.
 *
 * The file here is a named pipe nobody writes to: SQLite's open of it blocks, a check that never
 * answers. The child script acts once the check is blocked there (background-check-child.ts).
 * With the check in a worker thread, the first test's process never ends.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { isRunning } from '../../../helpers/gate-ops-process';
import { startChild } from '../../../helpers/storage-process';
import { makeTempDir } from '../../../helpers/storage';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const script = join(import.meta.dirname, '../../../helpers/background-check-child.ts');
// The child script sees where a thread waits through /proc/<pid>/task/<tid>/wchan.
const canSeeWaits = process.platform === 'linux' && existsSync('/proc/self/task');

function neverAnswering(name: string): string {
  const file = join(temp.dir, name);
  execFileSync('mkfifo', [file]);
  return file;
}

async function untilGone(pid: number): Promise<void> {
  while (isRunning(pid)) await sleep(20);
}

it.runIf(canSeeWaits)(
  'a check that is stopped ends at once, and the process quits with nothing left running',
  async () => {
    const child = startChild([neverAnswering('stopped.sqlite'), 'abort'], script);
    const pid = Number((await child.waitFor('check-pid ')).slice('check-pid '.length));
    expect(pid).not.toBe(child.process.pid); // in a process of its own
    const verdict = JSON.parse((await child.waitFor('verdict ')).slice('verdict '.length));
    expect(verdict).toEqual({
      state: 'unknown',
      reason: 'the check was stopped (the app is closing)',
    });
    expect(await child.exited).toBe(0);
    await untilGone(pid);
  },
  60_000,
);

it.runIf(canSeeWaits)(
  'a check whose app was killed stops too (no orphan reading the file)',
  async () => {
    const child = startChild([neverAnswering('orphan.sqlite'), 'crash'], script);
    const pid = Number((await child.waitFor('check-pid ')).slice('check-pid '.length));
    expect(pid).not.toBe(child.process.pid);
    await child.exited;
    expect(child.process.signalCode).toBe('SIGKILL');
    await untilGone(pid);
  },
  60_000,
);
