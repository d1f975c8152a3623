/**
 * `gate-ops headless --relay` (no UI port) while the relay is unreachable: the relay client's
 * retry timer is all that is pending, and it must keep the process alive to reconnect. It used
 * to be unref'd: Node exited (code 13, unsettled top-level await) at the first backoff wait.
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { tempDir, TOKEN } from '../../../helpers/relay';

const BIN = join(import.meta.dirname, '..', '..', '..', '..', 'bin', 'gate-ops.mjs');

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

it('keeps retrying a relay that is down instead of exiting', { timeout: 60_000 }, async () => {
  const port = await closedPort();
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const child = spawn(
    process.execPath,
    [BIN, 'headless', '--relay', `ws://127.0.0.1:${port}/events`, '--data-dir', dir],
    { env: { ...process.env, GATE_OPS_RELAY_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  // Attempt 3 is only announced after the backoff wait before attempt 2 has run out.
  const third = new Promise<void>((resolve) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (/reconnecting, attempt 3\b/.test(line)) resolve();
      });
    }
  });
  const first = await Promise.race([third.then(() => 'retrying' as const), exited]);
  expect(first).toBe('retrying');
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
