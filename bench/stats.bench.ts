/**
 * `gate-ops stats` benchmark (issue 16 target 5): the built command on a realistic data folder
 * of N check-ins (N = 1,000,000 × BENCH_SCALE, bench/realistic-store.ts, a private copy), wall time and peak
 * RSS of the whole process, against a baseline in the same run: the same figures by plain
 * node:sqlite in one pass (bench/stats-baseline-child.ts, a process of its own on the same Node).
 * Runs interleaved, the median of each. Then the same while another process writes into (a copy
 * of) the folder the way the app does (bench/stats-writer-child.ts, ≈1,000 check-ins a second),
 * and that writer's commit times alone and while the runs go on: `stats` must not hold ingest up.
 * Targets: ≤ 1.5× the baseline, < 150 MB peak RSS.
 *   npm run bench -- bench/stats.bench.ts          (BENCH_RUNS=3 by default)
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIsStale } from '../test/setup/build-when-stale';
import { fmt, percentile, table } from './bench-common';
import { copyRealisticStore } from './realistic-store';

const ROOT = join(import.meta.dirname, '..');
const SCALE = Number(process.env['BENCH_SCALE'] ?? '1');
const N = Math.max(1000, Math.round(1_000_000 * SCALE));
const RUNS = Number(process.env['BENCH_RUNS'] ?? '3');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const BIN = join(ROOT, 'bin', 'gate-ops.mjs');
const log = (s: string): void => console.log(s);

interface Sample {
  readonly ms: number;
  readonly rssMb: number | null;
  readonly out: string;
}

/** One process, wall time and peak RSS (GNU time's %M: the largest resident set, in KiB). */
function run(args: readonly string[]): Sample {
  const argv = TIME ? ['-f', 'TIME %M', process.execPath, ...args] : [...args];
  const started = performance.now();
  const r = spawnSync(TIME ?? process.execPath, argv, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  return { ms, rssMb: line ? Number(line.slice(5)) / 1024 : null, out: r.stdout };
}

const median = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

function measure(dir: string, runs: number) {
  const ours: Sample[] = [];
  const base: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    // The baseline is plain JavaScript with type annotations: Node 24 runs it without tsx.
    base.push(
      run([join(import.meta.dirname, 'stats-baseline-child.ts'), join(dir, 'gate-ops.sqlite')]),
    );
    ours.push(run([BIN, 'stats', '--json', '--data-dir', dir]));
  }
  return {
    oursMs: median(ours.map((s) => s.ms)),
    baseMs: median(base.map((s) => s.ms)),
    oursRss: Math.max(...ours.map((s) => s.rssMb ?? NaN)),
    baseRss: Math.max(...base.map((s) => s.rssMb ?? NaN)),
    ours: JSON.parse(ours.at(-1)!.out) as Record<string, unknown>,
    base: JSON.parse(base.at(-1)!.out) as Record<string, unknown>,
  };
}

interface WriterReport {
  readonly wrote: number;
  readonly commits: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`writer exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m);
    });
  });
}

function agree(ours: Record<string, unknown>, base: Record<string, unknown>): void {
  for (const key of ['checkins', 'uniqueTickets', 'reentries', 'conflicts', 'quarantined']) {
    if (ours[key] !== base[key]) {
      throw new Error(`stats and the baseline disagree on ${key}: ${ours[key]} / ${base[key]}`);
    }
  }
  for (const key of ['perGate', 'perDevice', 'perSession']) {
    if (JSON.stringify(ours[key]) !== JSON.stringify(sortedKeys(base[key]))) {
      throw new Error(`stats and the baseline disagree on ${key}`);
    }
  }
}

async function main(): Promise<void> {
  if (buildIsStale(ROOT)) {
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const temp = mkdtempSync(join(tmpdir(), 'gate-ops-stats-bench-'));
  const { dir: copy, info } = await copyRealisticStore(N, join(temp, 'data'), log);
  log(`${fmt(info.count)} check-ins stored; ${RUNS} interleaved runs each, quiet…`);
  const quiet = measure(copy, RUNS);
  agree(quiet.ours, quiet.base);

  // While another process writes into the same folder.
  let writer: ChildProcess | undefined;
  let alone: WriterReport;
  let during: WriterReport;
  let busy: ReturnType<typeof measure>;
  try {
    writer = fork(join(import.meta.dirname, 'stats-writer-child.ts'), [copy], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    if ((await nextMessage(writer)) !== 'writing') throw new Error('writer did not start');
    // The writer alone for as long as the quiet runs took, for its commit times without stats.
    await new Promise((resolve) => setTimeout(resolve, RUNS * (quiet.oursMs + quiet.baseMs)));
    writer.send('mark');
    alone = (await nextMessage(writer)) as WriterReport;
    log('…and while another process writes');
    busy = measure(copy, RUNS);
    writer.send('stop');
    during = (await nextMessage(writer)) as WriterReport;
    await new Promise((resolve) => writer!.once('exit', resolve));
  } finally {
    if (writer && writer.exitCode === null) writer.kill();
    rmSync(temp, { recursive: true, force: true });
  }
  const grown = Number(busy.ours['checkins']) - info.count;
  if (!(grown > 0)) throw new Error(`stats did not see the writer's check-ins (${grown})`);

  const mb = (x: number) => (Number.isFinite(x) ? `${fmt(x)} MB` : 'n/a');
  const ratio = (a: number, b: number) => `${fmt(a / b, 2)}×`;
  log('');
  log(
    `gate-ops stats --json on ${fmt(N)} stored check-ins (BENCH_SCALE=${SCALE}; median of ${RUNS}; load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  log(
    table([
      ['measure', 'ours', 'baseline: one-pass SQL (same run)', 'ratio', 'target'],
      [
        'stats, quiet: wall',
        `${fmt(quiet.oursMs)} ms`,
        `${fmt(quiet.baseMs)} ms`,
        ratio(quiet.oursMs, quiet.baseMs),
        '≤ 1.5×',
      ],
      [
        'stats, quiet: peak RSS',
        mb(quiet.oursRss),
        mb(quiet.baseRss),
        ratio(quiet.oursRss, quiet.baseRss),
        '< 150 MB',
      ],
      [
        'stats, app writing: wall',
        `${fmt(busy.oursMs)} ms`,
        `${fmt(busy.baseMs)} ms`,
        ratio(busy.oursMs, busy.baseMs),
        '≤ 1.5×',
      ],
      [
        'stats, app writing: peak RSS',
        mb(busy.oursRss),
        mb(busy.baseRss),
        ratio(busy.oursRss, busy.baseRss),
        '< 150 MB',
      ],
    ]),
  );
  log('');
  log(
    'The writer (50 check-ins a commit, every 50 ms): its commit times alone and during the runs',
  );
  log(
    table([
      ['writer', 'check-ins', 'commits', 'p50', 'p99', 'max'],
      ...(
        [
          ['alone (before the runs)', alone],
          ['while stats + baseline ran', during],
        ] as const
      ).map(([name, r]) => [
        name,
        fmt(r.wrote),
        fmt(r.commits),
        `${fmt(r.p50, 1)} ms`,
        `${fmt(r.p99, 1)} ms`,
        `${fmt(r.max, 1)} ms`,
      ]),
    ]),
  );
  log(`the last busy stats run counted ${fmt(grown)} check-ins more than the fixture holds`);
}

function sortedKeys(value: unknown): Record<string, unknown> {
  const o = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}

await main();
