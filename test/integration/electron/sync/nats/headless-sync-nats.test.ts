/**
 * `gate-ops headless --relay … --sync-nats …`: two laptops, each with its own relay (different
 * check-ins), on one nats-server. Each ends with the union, as its presence on the stream reports;
 * the demo refuses to sync.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, expect, it } from 'vitest';
import { startRelaySimulator } from '../../../../../electron/demo-venue';
import { runCli } from '../../../../helpers/cli';
import { startNatsServer } from '../../../../helpers/nats-server';
import { tempDir, TOKEN } from '../../../../helpers/relay';

const BIN = join(import.meta.dirname, '..', '..', '..', '..', '..', 'bin', 'gate-ops.mjs');

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function headless(args: string[]): {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [BIN, 'headless', ...args], {
    env: { ...process.env, GATE_OPS_RELAY_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  return { child, exited, stderr: () => stderr };
}

it(
  'two headless laptops with their own relays converge through NATS',
  { timeout: 120_000 },
  async () => {
    const server = await startNatsServer();
    cleanups.push(() => server.stop());
    await server.ready();
    const relays = await Promise.all(
      [11, 12].map((seed) => startRelaySimulator({ token: TOKEN, seed, backlog: 300, rate: 0 })),
    );
    cleanups.push(() => Promise.all(relays.map((r) => r.stop())).then(() => undefined));
    const union = new Set([...relays[0]!.ledger.unique.keys(), ...relays[1]!.ledger.unique.keys()]);
    expect(union.size).toBeGreaterThan(relays[0]!.ledger.unique.size);

    // Watch the laptops' presence on the stream: each says how many check-ins it holds.
    const nc = await connect({ servers: server.url });
    cleanups.push(() => nc.close());
    const laptops = ['a', 'b'].map((name, i) => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      return headless([
        '--relay',
        relays[i]!.url,
        '--data-dir',
        dir,
        '--sync-nats',
        server.url,
        '--sync-nats-venue',
        'cli-venue',
      ]);
    });
    await Promise.all(
      laptops.map((l) =>
        waitFor(() => /NATS sync: stream GATEOPS_CLI_VENUE/.test(l.stderr()), l.exited, l.stderr),
      ),
    );
    const js = jetstream(nc);
    const consumer = await js.consumers.get('GATEOPS_CLI_VENUE', {
      filter_subjects: 'gateops.cli-venue.presence.>',
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    const messages = await consumer.consume();
    const counts = new Map<string, number>();
    for await (const m of messages) {
      const p = m.json<{ laptopId: string; counts: { checkins: number } }>();
      counts.set(p.laptopId, p.counts.checkins);
      if (counts.size === 2 && [...counts.values()].every((c) => c === union.size)) break;
    }
    await messages.close();
    expect([...counts.values()]).toEqual([union.size, union.size]);
    for (const l of laptops) {
      l.child.kill('SIGTERM');
      expect(await l.exited).toBe(0);
      expect(l.stderr()).toMatch(/NATS sync: venue cli-venue via nats:\/\/127\.0\.0\.1:/);
    }
  },
);

it('refuses to sync the demo, and a NATS option without --sync-nats', async () => {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const demo = await runCli([
    'headless',
    '--data-dir',
    dir,
    '--sync-nats',
    'nats://127.0.0.1:1',
    '--sync-nats-venue',
    'v',
  ]);
  expect(demo.code).toBe(2);
  expect(demo.stderr).toMatch(/does not run on the demo relay/);
  const stray = await runCli(['headless', '--data-dir', dir, '--sync-nats-venue', 'v']);
  expect(stray.code).toBe(2);
  expect(stray.stderr).toMatch(/--sync-nats-venue needs --sync-nats URL/);
  const creds = await runCli([
    'headless',
    '--data-dir',
    dir,
    '--sync-nats',
    'nats://u:p@127.0.0.1:1',
    '--sync-nats-venue',
    'v',
  ]);
  expect(creds.code).toBe(2);
  expect(creds.stderr).toMatch(/do not put credentials in the NATS URL/);
  expect(creds.stderr).not.toContain('u:p@');
});

function waitFor(
  done: () => boolean,
  exited: Promise<number | null>,
  stderr: () => string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (done()) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(timer);
      if (done()) resolve();
      else reject(new Error(`headless exited (${code}) before it was ready:\n${stderr()}`));
    });
  });
}
