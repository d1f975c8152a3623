/**
 * A long series of SIGKILLs of `gate-ops headless` (the built program, a child process) while it
 * catches up on a relay backlog, shared by the kill-series test and bench/reliability.bench.ts.
 * After every kill, before the next start: SQLite's full `integrity_check` on the file (a
 * read-only connection, as `gate-ops stats` does, so the next start still finds the crash's WAL)
 * and `gate-ops stats --json` equal to the relay's ledger of the messages committed so far — no
 * check-in lost, none twice, every counter exact. A last run catches up to the end; then the
 * store holds exactly the ledger's check-ins, each with the payload first sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { checkDatabaseFile, openStore } from '../../electron/db';
import {
  EventGenerator,
  startRelaySimulator,
  type GeneratorOptions,
  type Ledger,
} from '../../electron/demo-venue';
import { Prng } from '../../electron/demo-venue/prng';
import { runCli } from './cli';
import { ledgerStats, pickLedgerStats, type Cleanups, type LedgerStats } from './fault-scenarios';
import { GATE_OPS_BIN } from './gate-ops-process';
import { storedFingerprints, tempDir, TOKEN } from './relay';

export interface KillSeriesOptions {
  /** Messages in the relay's backlog. */
  readonly total: number;
  readonly kills: number;
  readonly seed: number;
  /**
   * Benchmarks only (a test never waits on time): every 5th kill lands this many ms at random
   * after the start (the store opening, the WAL replayed, the check starting), the others up
   * to a tenth of it after the committed count was reached (inside a later commit).
   */
  readonly jitterMs?: number;
  /** Called after each kill's checks. */
  readonly onRound?: (round: KillRound) => void;
}

export interface KillRound {
  readonly index: number;
  /** The committed count the kill waited for (null: killed on a delay after the start). */
  readonly target: number | null;
  /** Messages committed when the process died (read back from the store). */
  readonly messages: number;
  readonly integrity: string;
  /** Stats equal to the ledger of the first `messages` messages. */
  readonly exact: boolean;
  readonly actual: LedgerStats;
  readonly expected: LedgerStats;
}

export interface KillSeriesResult {
  readonly rounds: KillRound[];
  /** Kills after which integrity was ok and the store equal to the ledger so far. */
  readonly survived: number;
  /** After the last run: stats, the full ledger, the stored payloads equal to the ledger's. */
  readonly final: {
    readonly actual: LedgerStats;
    readonly expected: LedgerStats;
    readonly integrity: string;
    readonly fingerprintsEqual: boolean;
    readonly exitCode: number | null;
  };
  /** Connections the relay accepted (one per start: each resumed from the stored cursor). */
  readonly connections: number;
}

const COUNTED = [
  'unique',
  'reentries',
  'redeliveries',
  'conflicts',
  'invalid',
  'otherType',
] as const;

/** The ledger after each prefix of the stream: a second generator with the same options. */
function prefixLedgers(options: GeneratorOptions, total: number): (n: number) => LedgerStats {
  const generator = new EventGenerator(options);
  const at = COUNTED.map(() => new Int32Array(total + 1));
  for (let i = 1; i <= total; i++) {
    // The counts depend on the generator's random stream only, not on the timestamps.
    generator.next(0);
    const l = generator.ledger;
    const values = [
      l.unique.size,
      l.reentries,
      l.redeliveries,
      l.conflicts,
      l.invalid,
      l.otherType,
    ];
    values.forEach((v, k) => (at[k]![i] = v));
  }
  return (n) => {
    const [unique, reentries, redeliveries, conflicts, invalid, otherType] = at.map((a) => a[n]!);
    return {
      checkins: unique,
      uniqueTickets: unique! - reentries!,
      reentries,
      redeliveries,
      conflicts,
      quarantined: invalid,
      skipped: otherType,
      messages: n,
    };
  };
}

interface Headless {
  readonly child: ChildProcess;
  committed(n: number): Promise<void>;
  readonly exited: Promise<number | null>;
}

function startHeadless(url: string, dataDir: string, cleanups: Cleanups): Headless {
  const child = spawn(
    process.execPath,
    [GATE_OPS_BIN, 'headless', '--relay', url, '--data-dir', dataDir, '--progress', '--quiet'],
    { env: { ...process.env, GATE_OPS_RELAY_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let last = -1;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let msg: { committed?: unknown };
    try {
      msg = JSON.parse(line) as { committed?: unknown };
    } catch {
      return;
    }
    if (typeof msg.committed !== 'number') return;
    last = msg.committed;
    for (const w of [...waiters]) {
      if (last >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    exited,
    committed: (n) =>
      new Promise<void>((resolve, reject) => {
        if (last >= n) return resolve();
        waiters.push({ n, resolve });
        void exited.then(() => reject(new Error(`headless exited before committing ${n}`)));
      }),
  };
}

const integrityOf = (file: string): string => {
  const v = checkDatabaseFile(file, 'full', { readOnly: true });
  return v.state === 'ok' ? 'ok' : `${v.state}: ${v.reason}`;
};

async function readStats(dir: string): Promise<Record<string, unknown>> {
  const run = await runCli(['stats', '--data-dir', dir, '--json']);
  if (run.code !== 0) throw new Error(`gate-ops stats failed (${run.code}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

export async function runKillSeries(
  options: KillSeriesOptions,
  cleanups: Cleanups,
): Promise<KillSeriesResult> {
  const generatorOptions: GeneratorOptions = {
    seed: options.seed,
    mix: { redelivery: 0.08, invalid: 0.03, otherType: 0.02, conflict: 0.01, oversize: 0.1 },
  };
  const relay = await startRelaySimulator({
    ...generatorOptions,
    token: TOKEN,
    backlog: options.total,
  });
  cleanups.push(() => relay.stop());
  const ledgerAt = prefixLedgers(generatorOptions, options.total);
  const full = ledgerStats(relay.ledger as Ledger);
  if (JSON.stringify(ledgerAt(options.total)) !== JSON.stringify(full)) {
    throw new Error('the prefix ledgers do not end at the relay ledger');
  }
  const { dir, cleanup } = tempDir('gate-ops-kills-');
  cleanups.push(cleanup);
  const file = join(dir, 'gate-ops.sqlite');

  // Kill points spread over the backlog, in increasing order, at random within each share.
  const rng = new Prng(options.seed ^ 0x6b111);
  const share = (options.total * 0.8) / options.kills;
  const rounds: KillRound[] = [];
  for (let k = 0; k < options.kills; k++) {
    const onDelay = options.jitterMs !== undefined && k % 5 === 4;
    const target = onDelay ? null : Math.max(1, Math.floor(share * (k + rng.next())));
    const run = startHeadless(relay.url, dir, cleanups);
    if (target === null) {
      await new Promise((r) => setTimeout(r, rng.int(0, options.jitterMs!)));
    } else {
      await run.committed(target);
      if (options.jitterMs) {
        await new Promise((r) => setTimeout(r, rng.int(0, Math.ceil(options.jitterMs! / 10))));
      }
    }
    run.child.kill('SIGKILL');
    await run.exited;
    const integrity = integrityOf(file);
    const stats = await readStats(dir);
    const actual = pickLedgerStats(stats);
    const messages = Number(stats.messages);
    const expected = ledgerAt(Math.min(messages, options.total));
    const round: KillRound = {
      index: k,
      target,
      messages,
      integrity,
      exact: integrity === 'ok' && JSON.stringify(actual) === JSON.stringify(expected),
      actual,
      expected,
    };
    rounds.push(round);
    options.onRound?.(round);
  }

  const last = startHeadless(relay.url, dir, cleanups);
  await last.committed(options.total);
  last.child.kill('SIGTERM');
  const exitCode = await last.exited;
  const integrity = integrityOf(file);
  const actual = pickLedgerStats(await readStats(dir));
  const store = await openStore(dir);
  let fingerprintsEqual: boolean;
  try {
    const stored = await storedFingerprints(store.db);
    fingerprintsEqual =
      stored.size === relay.ledger.unique.size &&
      [...relay.ledger.unique].every(([key, fp]) => stored.get(key) === fp);
  } finally {
    await store.close();
  }
  return {
    rounds,
    survived: rounds.filter((r) => r.exact).length,
    final: { actual, expected: full, integrity, fingerprintsEqual, exitCode },
    connections: relay.connectionCount,
  };
}
