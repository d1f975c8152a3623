/**
 * The hostile-relay scenarios of the fault-injection suite, shared by the suite
 * (test/integration/electron/ingest/fault-injection.test.ts, which checks what the supervisor
 * was told) and bench/reliability.bench.ts (which runs them for many seeds and counts the
 * hostile inputs sent). A run starts the real core (relay client, ingest, SQLite store) on a
 * fresh data folder against the hostile relay, waits for the stream's last message to be
 * committed, closes the core and reads `gate-ops stats --json` back, next to what the relay's
 * ledger says it must hold.
 */
import { startCore, type Core, type CoreOptions } from '../../electron/app';
import type { OpenStore } from '../../electron/db';
import type { Ledger } from '../../electron/demo-venue';
import { runCli } from './cli';
import {
  hostileStream,
  startHostileRelay,
  type HostileBehaviour,
  type HostileSent,
  type HostileStreamOptions,
} from './hostile-relay';
import { tempDir, TOKEN, waitForCommit } from './relay';

export interface FaultScenario {
  readonly name: string;
  readonly stream: (seed: number) => HostileStreamOptions;
  readonly behaviour: HostileBehaviour;
  readonly relay?: CoreOptions['relay'];
}

/** The four relay scenarios (each run once per seed). */
export const FAULT_SCENARIOS = {
  /** Invalid UTF-8, bogus stamps, 7-byte fragments trickled, an 18 MiB message in 18,432 fragments. */
  fragments: {
    name: 'invalid UTF-8, bogus stamps, 7-byte fragments trickled, 18 MiB message',
    stream: (seed) => ({ seed, count: 200, bogusEvery: 67, invalidUtf8Every: 41, hugeAfter: 120 }),
    behaviour: { fragmentBytes: 7, trickleBytes: 61 },
  },
  /** Mid-frame cuts every 37 messages, resuming 10 before the cursor. */
  cuts: {
    name: 'mid-frame cuts every 37 messages, resume 10 before the cursor',
    stream: (seed) => ({ seed, count: 400, invalidUtf8Every: 53 }),
    behaviour: { cutAfter: 37, replayBefore: 10 },
  },
  /** A 50 KB check-in trickled over several ping intervals. */
  slowLink: {
    name: 'slow link: a 50 KB check-in trickled over several ping intervals',
    stream: (seed) => ({ seed, count: 80, bigAfter: 40 }),
    behaviour: { trickleBytes: 256, trickleDelayMs: 2 },
    relay: { heartbeat: { intervalMs: 100 } },
  },
  /** A relay that ignores `?after=` and sends everything again (cut twice). */
  ignoreAfter: {
    name: 'relay ignores ?after= and sends everything again',
    stream: (seed) => ({ seed, count: 300, bogusEvery: 111 }),
    behaviour: { ignoreAfter: true, cutAfter: 150, cutConnections: 2 },
  },
} satisfies Record<string, FaultScenario>;

/** The fields of `gate-ops stats --json` a ledger decides. */
export interface LedgerStats {
  checkins: unknown;
  uniqueTickets: unknown;
  reentries: unknown;
  redeliveries: unknown;
  conflicts: unknown;
  quarantined: unknown;
  skipped: unknown;
  messages: unknown;
}

export function ledgerStats(ledger: Ledger): LedgerStats {
  return {
    checkins: ledger.unique.size,
    uniqueTickets: ledger.unique.size - ledger.reentries,
    reentries: ledger.reentries,
    redeliveries: ledger.redeliveries,
    conflicts: ledger.conflicts,
    quarantined: ledger.invalid,
    skipped: ledger.otherType,
    messages: ledger.total,
  };
}

export function pickLedgerStats(s: Record<string, unknown>): LedgerStats {
  return {
    checkins: s.checkins,
    uniqueTickets: s.uniqueTickets,
    reentries: s.reentries,
    redeliveries: s.redeliveries,
    conflicts: s.conflicts,
    quarantined: s.quarantined,
    skipped: s.skipped,
    messages: s.messages,
  };
}

export type Cleanups = Array<() => Promise<void> | void>;

/** The real core on `dir`, fast reconnects and retries; closed by `cleanups`. */
export async function startFaultCore(
  dir: string,
  url: string,
  cleanups: Cleanups,
  extra: { openStore?: OpenStore; log?: string[]; relay?: CoreOptions['relay'] } = {},
): Promise<Core> {
  const core = await startCore({
    dataDir: dir,
    relayUrl: url,
    token: TOKEN,
    relay: { backoff: { baseMs: 10, capMs: 50 }, ...extra.relay },
    ingest: { retryDelayMs: 10 },
    log: (l) => extra.log?.push(l),
    ...(extra.openStore ? { openStore: extra.openStore } : {}),
  });
  cleanups.push(() => core.close());
  return core;
}

/** Waits until `last` is committed, closes the core, reads stats back. */
export async function statsWhenDone(
  core: Core,
  dir: string,
  last: string,
): Promise<Record<string, unknown>> {
  if (core.ingest.totals.latest !== last) {
    await waitForCommit(core.ingest, (b) => b.totals.latest === last);
  }
  await core.close();
  const run = await runCli(['stats', '--data-dir', dir, '--json']);
  if (run.code !== 0) throw new Error(`gate-ops stats failed (${run.code}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

export interface FaultRun {
  readonly stats: Record<string, unknown>;
  /** What the ledger says the stats must be. */
  readonly expected: LedgerStats;
  readonly core: Core;
  readonly connections: Array<string | null>;
  readonly sent: HostileSent;
  /** Hostile messages in the stream: bogus stamps, invalid UTF-8 frames, huge messages. */
  readonly bogus: number;
  readonly invalidUtf8: number;
  readonly huge: number;
}

export async function runFaultScenario(
  scenario: FaultScenario,
  seed: number,
  cleanups: Cleanups,
): Promise<FaultRun> {
  const { messages, ledger, bogus, invalidUtf8, huge } = hostileStream(scenario.stream(seed));
  const relay = await startHostileRelay(messages, TOKEN, scenario.behaviour);
  cleanups.push(() => relay.stop());
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const core = await startFaultCore(
    dir,
    relay.url,
    cleanups,
    scenario.relay ? { relay: scenario.relay } : {},
  );
  const stats = await statsWhenDone(core, dir, messages.at(-1)!.sequence);
  return {
    stats,
    expected: ledgerStats(ledger),
    core,
    connections: relay.connections,
    sent: relay.sent,
    bogus,
    invalidUtf8,
    huge,
  };
}
