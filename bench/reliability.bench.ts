/**
 * Reliability figures of issue 14 (`npm run bench -- bench/reliability.bench.ts`; BENCH_SCALE
 * scales every count, 0.1 for a quick run). Each figure is printed next to its baseline from
 * the same run:
 *
 * 1. Hostile inputs tried: the fault-injection suite's four hostile-relay scenarios (raw frames:
 *    invalid UTF-8, 7-byte fragments trickled, an 18 MiB message in 18,432 fragments, mid-frame
 *    cuts, resumes before the cursor, a relay that ignores `?after=`, bogus stamps, a 50 KB
 *    check-in on a slow link) for many seeds, on the real core. Counted: messages and frames
 *    the relay put on the wire, replays, cuts; after every run `gate-ops stats` must equal the
 *    relay's ledger. Baseline: the messages of the streams themselves (each sent once).
 * 2. Kills survived: one long series of SIGKILLs of `gate-ops headless` (the built program)
 *    during a catch-up, most when a random committed count is reached (plus a random few ms),
 *    every 5th at a random moment after the start (opening, WAL replay, the start-up check).
 *    After each: `integrity_check` ok and stats equal to the ledger of what was committed;
 *    at the end the store equals the whole ledger. Baseline: kills attempted.
 * 3. Peak RSS of the process that runs ingest and the headless API (bench/reliability-api-child.ts)
 *    while one client sends 4,000 `checkins:search {limit:500}` and reads none of the answers:
 *    with the product's caps (after) and with them lifted (before, the benchmark's own option:
 *    the product cannot turn them off). Baseline: the same process idle on the same store.
 *    The peak is the kernel's high-water mark (VmHWM), reset after the idle measurement.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import WebSocket from 'ws';
import { startRelaySimulator } from '../electron/demo-venue';
import { buildIsStale } from '../test/setup/build-when-stale';
import {
  FAULT_SCENARIOS,
  pickLedgerStats,
  runFaultScenario,
  type Cleanups,
} from '../test/helpers/fault-scenarios';
import { runKillSeries } from '../test/helpers/kill-series';
import { tempDir, TOKEN } from '../test/helpers/relay';
import { fmt, table } from './bench-common';

const SCALE = Number(process.env['BENCH_SCALE'] ?? '1');
const SEEDS = Math.max(2, Math.round(20 * SCALE));
const KILLS = Math.max(5, Math.round(40 * SCALE));
const KILL_BACKLOG = Math.max(4000, Math.round(40_000 * SCALE));
const SEARCHES = Math.max(200, Math.round(4000 * SCALE));
const STORE_CHECKINS = Math.max(2000, Math.round(20_000 * SCALE));
const log = (s: string): void => console.log(s);
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

async function drain(cleanups: Cleanups): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

// ---------------------------------------------------------------------------------------------
// 1. Hostile inputs
// ---------------------------------------------------------------------------------------------

async function hostileInputs(): Promise<void> {
  log(`\n## 1. Hostile inputs: ${SEEDS} seeds × 4 hostile-relay scenarios (load ${load()})\n`);
  const rows: string[][] = [
    [
      'scenario',
      'runs',
      'store = ledger',
      'stream msgs (baseline)',
      'msgs sent',
      'sent/stream',
      'frames',
      'replays',
      'mid-frame cuts',
      'invalid UTF-8',
      'bogus stamps',
      '18 MiB msgs',
    ],
  ];
  const total = { runs: 0, exact: 0, stream: 0, messages: 0, frames: 0, replays: 0, cuts: 0 };
  const hostile = { invalidUtf8: 0, bogus: 0, huge: 0 };
  const failures: string[] = [];
  const started = performance.now();
  for (const scenario of Object.values(FAULT_SCENARIOS)) {
    const s = { runs: 0, exact: 0, stream: 0, messages: 0, frames: 0, replays: 0, cuts: 0 };
    const h = { invalidUtf8: 0, bogus: 0, huge: 0 };
    for (let i = 0; i < SEEDS; i++) {
      const seed = 1000 + i * 13;
      const cleanups: Cleanups = [];
      try {
        const run = await runFaultScenario(scenario, seed, cleanups);
        s.runs += 1;
        if (isDeepStrictEqual(pickLedgerStats(run.stats), run.expected)) s.exact += 1;
        else failures.push(`${scenario.name}, seed ${seed}: ${JSON.stringify(run.stats)}`);
        s.stream += run.expected.messages as number;
        s.messages += run.sent.messages;
        s.frames += run.sent.frames;
        s.replays += run.sent.replays;
        s.cuts += run.sent.cuts;
        h.invalidUtf8 += run.invalidUtf8;
        h.bogus += run.bogus;
        h.huge += run.huge;
      } finally {
        await drain(cleanups);
      }
    }
    rows.push([
      scenario.name,
      fmt(s.runs),
      `${s.exact}/${s.runs}`,
      fmt(s.stream),
      fmt(s.messages),
      `${(s.messages / s.stream).toFixed(2)}×`,
      fmt(s.frames),
      fmt(s.replays),
      fmt(s.cuts),
      fmt(h.invalidUtf8),
      fmt(h.bogus),
      fmt(h.huge),
    ]);
    for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += s[k];
    for (const k of Object.keys(hostile) as Array<keyof typeof hostile>) hostile[k] += h[k];
  }
  rows.push([
    'all',
    fmt(total.runs),
    `${total.exact}/${total.runs}`,
    fmt(total.stream),
    fmt(total.messages),
    `${(total.messages / total.stream).toFixed(2)}×`,
    fmt(total.frames),
    fmt(total.replays),
    fmt(total.cuts),
    fmt(hostile.invalidUtf8),
    fmt(hostile.bogus),
    fmt(hostile.huge),
  ]);
  log(table(rows));
  log(
    `\nhostile inputs tried: ${fmt(total.messages)} messages in ${fmt(total.frames)} frames ` +
      `(${fmt(total.replays)} replays, ${fmt(total.cuts)} mid-frame cuts) against ${fmt(total.stream)} ` +
      `stream messages (baseline: each once); store equal to the ledger after ${total.exact} of ` +
      `${total.runs} runs; ${((performance.now() - started) / 1000).toFixed(0)} s; load ${load()}`,
  );
  for (const f of failures) log(`  NOT EQUAL: ${f}`);
}

// ---------------------------------------------------------------------------------------------
// 2. Kills survived
// ---------------------------------------------------------------------------------------------

async function killsSurvived(): Promise<void> {
  log(
    `\n## 2. Kills survived: ${KILLS} SIGKILLs of gate-ops headless during a catch-up of ` +
      `${fmt(KILL_BACKLOG)} messages (load ${load()})\n`,
  );
  const cleanups: Cleanups = [];
  const started = performance.now();
  try {
    const result = await runKillSeries(
      {
        total: KILL_BACKLOG,
        kills: KILLS,
        seed: 77,
        jitterMs: 800,
        onRound: (r) => {
          if (!r.exact) {
            log(
              `  kill ${r.index + 1} at ${r.messages}: integrity ${r.integrity}; ` +
                `stats ${JSON.stringify(r.actual)} ledger ${JSON.stringify(r.expected)}`,
            );
          }
        },
      },
      cleanups,
    );
    const onDelay = result.rounds.filter((r) => r.target === null);
    // A kill on a delay that came before the first new commit (opening, WAL replay, connecting).
    const before = result.rounds.filter(
      (r, i) => r.target === null && r.messages === (result.rounds[i - 1]?.messages ?? 0),
    ).length;
    const ok = result.rounds.filter((r) => r.integrity === 'ok').length;
    const final = result.final;
    const finalExact =
      final.integrity === 'ok' &&
      isDeepStrictEqual(final.actual, final.expected) &&
      final.fingerprintsEqual &&
      final.exitCode === 0;
    log(
      table([
        ['figure', 'value', 'baseline', 'ratio'],
        [
          'kills survived (integrity ok, stats = ledger so far)',
          fmt(result.survived),
          `${KILLS} attempted`,
          `${(result.survived / KILLS).toFixed(2)}`,
        ],
        [
          'integrity_check ok after a kill',
          fmt(ok),
          `${KILLS} kills`,
          `${(ok / KILLS).toFixed(2)}`,
        ],
        ['kills at a random moment after the start', fmt(onDelay.length), `${KILLS} kills`, ''],
        ['  of them before anything new was committed', fmt(before), `${onDelay.length}`, ''],
        [
          'relay connections (each start resumed from the cursor)',
          fmt(result.connections),
          `${KILLS + 1} starts`,
          '',
        ],
        [
          'last run: store = whole ledger, payloads as first sent',
          finalExact ? 'yes' : 'NO',
          `${fmt(KILL_BACKLOG)} messages`,
          '',
        ],
      ]),
    );
    log(
      `\nkills survived: ${result.survived} of ${KILLS} attempted; messages committed at each kill: ` +
        `${result.rounds.map((r) => r.messages).join(', ')}; ` +
        `${((performance.now() - started) / 1000).toFixed(0)} s; load ${load()}`,
    );
  } finally {
    await drain(cleanups);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Peak RSS under unanswered searches
// ---------------------------------------------------------------------------------------------

interface ChildReady {
  t: 'ready';
  origin: string;
  token: string;
  committed: number;
}
interface ChildProgress {
  t: 'progress';
  started: number;
  settled: number;
  cutOff: boolean;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}
const mb = (kb: number): string => `${fmt(kb / 1024)} MB`;

class ApiChild {
  readonly child: ChildProcess;
  committed = 0;
  private readonly waiting: Array<{ t: string; resolve: (m: unknown) => void }> = [];

  constructor(dir: string, url: string, mode: 'capped' | 'uncapped') {
    this.child = fork(
      new URL('./reliability-api-child.ts', import.meta.url).pathname,
      [dir, url, TOKEN, mode],
      { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    this.child.on('message', (m: { t: string; n?: number; committed?: number }) => {
      if (m.t === 'committed') this.committed = m.n ?? this.committed;
      if (m.t === 'ready') this.committed = m.committed ?? this.committed;
      const i = this.waiting.findIndex((w) => w.t === m.t);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
    });
  }

  next<T>(t: string): Promise<T> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ t, resolve: resolve as (m: unknown) => void });
      this.child.once('exit', (code) => reject(new Error(`api child exited (${code})`)));
    });
  }

  async progress(): Promise<ChildProgress> {
    const p = this.next<ChildProgress>('progress');
    this.child.send({ t: 'progress' });
    return p;
  }

  async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise((r) => setTimeout(r, 100));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ t: 'stop' });
    await exited;
  }
}

function connect(ready: ChildReady): Promise<WebSocket> {
  const ws = new WebSocket(`${ready.origin.replace(/^http/, 'ws')}/api?token=${ready.token}`, {
    headers: { Origin: ready.origin },
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const SEARCH = { limit: 500 };

/** One answered search (a reading client): the size of one reply. */
async function oneReply(ready: ChildReady): Promise<number> {
  const ws = await connect(ready);
  const bytes = await new Promise<number>((resolve) => {
    ws.once('message', (data: Buffer) => resolve(data.length));
    ws.send(JSON.stringify({ t: 'q', id: 1, ch: 'checkins:search', p: SEARCH }));
  });
  ws.close();
  return bytes;
}

interface ApiFigures {
  mode: 'capped' | 'uncapped';
  idleKb: number;
  peakKb: number;
  heldKb: number;
  replyBytes: number;
  progress: ChildProgress;
  peakReset: boolean;
  seconds: number;
}

async function underSearches(
  dir: string,
  url: string,
  mode: 'capped' | 'uncapped',
): Promise<ApiFigures> {
  const api = new ApiChild(dir, url, mode);
  try {
    const ready = await api.next<ChildReady>('ready');
    await api.until(() => api.committed >= STORE_CHECKINS);
    const pid = api.child.pid!;
    const replyBytes = await oneReply(ready);
    // Idle: the median of 3 s of samples, after the start-up work has settled.
    await new Promise((r) => setTimeout(r, 2000));
    const samples: number[] = [];
    for (let i = 0; i < 12; i++) {
      samples.push(statusKb(pid, 'VmRSS'));
      await new Promise((r) => setTimeout(r, 250));
    }
    samples.sort((a, b) => a - b);
    const idleKb = samples[samples.length >> 1]!;
    let peakReset = true;
    try {
      // "5": reset the peak-RSS high-water mark (Linux ≥ 4.0) to the current RSS.
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      peakReset = false;
    }
    // The reply measured above went through the router too: counted from here on.
    const base = await api.progress();
    const started = performance.now();
    const ws = await connect(ready);
    // The client sends and never reads again: whatever the server answers stays with it.
    ws.pause();
    for (let id = 1; id <= SEARCHES; id++) {
      ws.send(JSON.stringify({ t: 'q', id, ch: 'checkins:search', p: SEARCH }));
    }
    let last = '';
    let sameSince = performance.now();
    let progress: ChildProgress;
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const p = await api.progress();
      progress = { ...p, started: p.started - base.started, settled: p.settled - base.settled };
      const key = `${progress.started}/${progress.settled}/${progress.cutOff}`;
      if (key !== last) {
        last = key;
        sameSince = performance.now();
      }
      const settled = progress.settled === progress.started;
      if (settled && (progress.cutOff || progress.settled >= SEARCHES)) break;
      // Capped and never cut off: the rest were refused at once; nothing moves any more.
      if (settled && performance.now() - sameSince > 5000) break;
    }
    // What the process holds once every answer is computed and queued for the client.
    await new Promise((r) => setTimeout(r, 1000));
    const peakKb = statusKb(pid, 'VmHWM');
    const heldKb = statusKb(pid, 'VmRSS');
    const seconds = (performance.now() - started) / 1000;
    ws.terminate();
    return { mode, idleKb, peakKb, heldKb, replyBytes, progress, peakReset, seconds };
  } finally {
    await api.stop();
  }
}

async function peakRss(): Promise<void> {
  log(
    `\n## 3. Peak RSS: ${fmt(SEARCHES)} unanswered checkins:search {limit:500} on one headless ` +
      `API connection, store of ${fmt(STORE_CHECKINS)} check-ins (load ${load()})\n`,
  );
  if (process.platform !== 'linux') {
    log('skipped: needs /proc (Linux)');
    return;
  }
  const cleanups: Cleanups = [];
  try {
    const relay = await startRelaySimulator({ token: TOKEN, seed: 9, backlog: STORE_CHECKINS });
    cleanups.push(() => relay.stop());
    const { dir, cleanup } = tempDir('gate-ops-rss-');
    cleanups.push(cleanup);
    const total = relay.ledger.total;
    // Build the store once (catch-up), then measure each mode on it in a fresh process.
    const builder = new ApiChild(dir, relay.url, 'capped');
    await builder.next<ChildReady>('ready');
    await builder.until(() => builder.committed >= total);
    await builder.stop();
    const figures: ApiFigures[] = [];
    for (const mode of ['uncapped', 'capped'] as const) {
      figures.push(await underSearches(dir, relay.url, mode));
    }
    const [before, after] = figures as [ApiFigures, ApiFigures];
    const rows = [
      [
        'headless API',
        'idle RSS (baseline)',
        'peak RSS',
        'peak / idle',
        'growth',
        'RSS held after',
        'answered by the router',
        'client cut off',
        's',
      ],
      ...figures.map((f) => [
        f.mode === 'uncapped' ? 'before: caps lifted' : 'after: caps on (product)',
        mb(f.idleKb),
        mb(f.peakKb),
        `${(f.peakKb / f.idleKb).toFixed(2)}×`,
        mb(f.peakKb - f.idleKb),
        mb(f.heldKb),
        `${fmt(f.progress.settled)} of ${fmt(SEARCHES)}`,
        f.progress.cutOff ? 'yes' : 'no',
        f.seconds.toFixed(1),
      ]),
    ];
    log(table(rows));
    log(
      `\none reply of checkins:search {limit:500}: ${fmt(before.replyBytes / 1024)} KB ` +
        `(${fmt(SEARCHES)} of them: ${fmt((before.replyBytes * SEARCHES) / 1024 / 1024)} MB)`,
    );
    log(
      `peak RSS before (caps lifted) ${mb(before.peakKb)} against idle ${mb(before.idleKb)} ` +
        `(${(before.peakKb / before.idleKb).toFixed(2)}×); after (caps on) ${mb(after.peakKb)} ` +
        `against idle ${mb(after.idleKb)} (${(after.peakKb / after.idleKb).toFixed(2)}×); ` +
        `before/after peak ${(before.peakKb / after.peakKb).toFixed(2)}×, growth ` +
        `${mb(before.peakKb - before.idleKb)} vs ${mb(after.peakKb - after.idleKb)}; load ${load()}`,
    );
    if (!before.peakReset || !after.peakReset) {
      log('note: the peak could not be reset: it includes the process start-up');
    }
  } finally {
    await drain(cleanups);
  }
}

if (buildIsStale()) {
  throw new Error(
    'out/ is older than the sources: run npm run build first (the kill series runs the built gate-ops)',
  );
}
log(`reliability benchmark (BENCH_SCALE=${SCALE}), load average ${load()}`);
const only = process.env['RELIABILITY_ONLY'];
if (!only || only === 'inputs') await hostileInputs();
if (!only || only === 'kills') await killsSurvived();
if (!only || only === 'rss') await peakRss();
log(`\ndone; load average ${load()}`);
