/**
 * `gate-ops headless --relay … --sync-nats …`: two laptops, each with its own relay (different
 * check-ins), on one nats-server. Each ends with the union, as its presence on the stream reports;
 * with no relay it runs without one, and NATS mistakes end the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
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
    const dirs = ['a', 'b'].map(() => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      return dir;
    });
    const laptops = dirs.map((dir, i) => {
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
    // `gate-ops stats` (its own process, reading the store) shows NATS sync's link and the
    // venue's freshness from the status the running app keeps there.
    for (;;) {
      const stats = await runCli(['stats', '--data-dir', dirs[0]!]);
      expect(stats.code).toBe(0);
      if (
        /NATS link +connected \(127\.0\.0\.1:\d+\), stream GATEOPS_CLI_VENUE/.test(stats.stdout) &&
        new RegExp(`venue cli-venue: as of .*check-ins held: .*${union.size}.*${union.size}`).test(
          stats.stdout,
        )
      ) {
        expect(stats.stdout).toMatch(
          /NATS sync +venue for cli-venue via nats:\/\/127\.0\.0\.1:\d+ \(command-line\)/,
        );
        break;
      }
      if (laptops[0]!.child.exitCode !== null) throw new Error(laptops[0]!.stderr());
    }
    for (const l of laptops) {
      l.child.kill('SIGTERM');
      expect(await l.exited).toBe(0);
      expect(l.stderr()).toMatch(/NATS sync: venue cli-venue via nats:\/\/127\.0\.0\.1:/);
    }
  },
);

it('with no relay it runs without one (never the demo); NATS mistakes end the run with the reason', async () => {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  // No relay saved, none given: the data comes over NATS, into the real database, not the demo.
  const noRelay = headless([
    '--data-dir',
    dir,
    '--sync-nats',
    'nats://127.0.0.1:1',
    '--sync-nats-venue',
    'v',
  ]);
  await waitFor(
    () => /NATS sync: UNREACHABLE: no NATS server answered/.test(noRelay.stderr()),
    noRelay.exited,
    noRelay.stderr,
  );
  expect(noRelay.stderr()).toMatch(
    /No relay link on this laptop: its data arrives over venue sync only/,
  );
  expect(noRelay.stderr()).not.toMatch(/SIMULATED/);
  noRelay.child.kill('SIGTERM');
  expect(await noRelay.exited).toBe(0);

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
  // A password file others can read: refused by the one secret-file check, the run ends.
  const open = join(dir, 'nats-password');
  writeFileSync(open, 'secret-password\n', { mode: 0o644 });
  chmodSync(open, 0o644);
  const unsafe = await runCli([
    'headless',
    '--data-dir',
    dir,
    '--no-relay',
    '--sync-nats',
    'nats://127.0.0.1:1',
    '--sync-nats-venue',
    'v',
    '--sync-nats-user',
    'u',
    '--sync-nats-password-file',
    open,
  ]);
  expect(unsafe.code).toBe(2);
  expect(unsafe.stderr).toMatch(/refusing the NATS password file .*other users can read it/);
  expect(unsafe.stderr).not.toContain('secret-password');
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
