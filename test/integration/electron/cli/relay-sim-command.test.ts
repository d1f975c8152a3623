/** `gate-ops relay-sim` in-process: it listens, checks the token, streams, and stops on the signal. */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { main } from '../../../../electron/cli/main';
import { RelayClient } from '../../../../electron/relay/relay-client';
import { RecordingSink } from '../../../helpers/relay-fakes';
import { tempDir, waitForValue } from '../../../helpers/relay';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

it('serves a seeded venue to a client with the right token and refuses a wrong one', async () => {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const file = join(dir, 'token');
  writeFileSync(file, 'sim-secret');
  chmodSync(file, 0o600);
  const stdout = new PassThrough();
  const stop = new AbortController();
  const listening = new Promise<string>((resolve) => {
    let out = '';
    stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (ws:\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  const done = main(
    [
      'relay-sim',
      '--port',
      '0',
      '--token-file',
      file,
      '--backlog',
      '50',
      '--rate',
      '0',
      '--seed',
      '4',
    ],
    {
      stdout,
      stderr: new PassThrough(),
      stdin: Readable.from([]),
      env: {},
      cwd: dir,
      stopSignal: stop.signal,
    },
  );
  cleanups.push(async () => {
    stop.abort();
    await done;
  });
  const url = await listening;

  const sink = new RecordingSink();
  const client = new RelayClient({ url, token: 'sim-secret', sink });
  cleanups.push(() => client.stop());
  client.start();
  await waitForValue(client.status$, (s) => s.counters.received >= 50);
  expect(JSON.parse(sink.messages[0]!).sequence).toBe('000000000001');

  const wrong = new RelayClient({ url, token: 'nope', sink: new RecordingSink() });
  cleanups.push(() => wrong.stop());
  wrong.start();
  await waitForValue(wrong.status$, (s) => s.state.kind === 'auth-failed');

  stop.abort();
  expect(await done).toBe(0);
});
