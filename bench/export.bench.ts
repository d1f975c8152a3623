/**
 * Export benchmark (issue 6). `npm run bench -- bench/export.bench.ts`; BENCH_SCALE=0.1 for a
 * quick run. N = 1,000,000 × BENCH_SCALE.
 *  1. Writer only: N check-ins from the same in-memory row source (a pool of pre-built rows,
 *     cycled) to a CSV file, by our CSV writer (csv-stringify, neutralisation, time formatting)
 *     and by plain string joins (no quoting: the floor any CSV writer pays). Both write through
 *     the same temp-file-fsync-rename sink. Best of two runs each; ratio to the baseline.
 *  2. End to end: N check-ins in a SQLite data folder (our storage) → CSV, XLSX and PDF files,
 *     next to a pass that only reads the pages (the database's share of the time).
 * Memory: the heap after a full GC and the RSS, sampled at 10/25/50/75/100 % of the rows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../electron/db';
import { AtomicFile } from '../electron/files';
import type { CheckInRow } from '../shared/api/channels/checkins';
import { storeCheckIns } from '../test/helpers/checkin-docs';
import { CsvReportEncoder } from '../electron/reports/csv-writer';
import { reportColumns } from '../electron/reports/report-columns';
import { createReportClock } from '../electron/reports/time-zone';
import {
  benchCheckIn,
  benchSpec,
  fmt,
  heapGrowth,
  mb,
  memorySampler,
  table,
  type MemorySample,
} from './export-bench-helpers';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.max(1000, Math.round(1_000_000 * SCALE));
const XLSX_N = Math.max(1000, Math.round(200_000 * SCALE));
const PAGE = 1000;
const POOL = 10_000;
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'gate-ops-export-bench-'));

const pool: CheckInRow[] = Array.from({ length: POOL }, (_, i) => benchCheckIn(i));
function* pages(total: number): Generator<CheckInRow[]> {
  for (let done = 0; done < total; done += PAGE) {
    const start = done % POOL;
    yield pool.slice(start, start + Math.min(PAGE, total - done));
  }
}

interface Run {
  readonly ms: number;
  readonly bytes: number;
  readonly memory: MemorySample[];
}

/**
 * Plain string joins: no quoting, no escaping, no neutralisation; ISO times in UTC, by
 * `toISOString` (the baseline) or by our report clock's per-minute cache (`fastTimes`), which
 * shows how much of our lead is the time formatting rather than the CSV encoding.
 */
async function baseline(path: string, fastTimes = false): Promise<Run> {
  const iso = fastTimes
    ? createReportClock('UTC').iso
    : (ms: number): string => new Date(ms).toISOString();
  const sampler = memorySampler(N);
  const t = performance.now();
  const file = await AtomicFile.create(path);
  await file.write(
    `${reportColumns(true)
      .map((c) => c.key)
      .join(',')}\n`,
  );
  let rows = 0;
  for (const page of pages(N)) {
    let s = '';
    for (const d of page) {
      s +=
        [
          d.checkInId,
          d.ticketId,
          d.eventId,
          d.productId,
          d.attendeeName ?? '',
          d.attendeeEmail ?? '',
          d.gate,
          d.deviceId,
          d.sessionId,
          iso(d.checkedInAt),
          iso(d.occurredAt),
          iso(d.receivedAt),
          d.reentry ? 'true' : 'false',
        ].join(',') + '\n';
    }
    await file.write(s);
    rows += page.length;
    sampler.at(rows);
  }
  const bytes = await file.commit();
  return { ms: performance.now() - t, bytes, memory: sampler.samples };
}

async function ours(path: string): Promise<Run> {
  const sampler = memorySampler(N);
  const t = performance.now();
  const file = await AtomicFile.create(path);
  const encoder = new CsvReportEncoder({
    columns: reportColumns(true),
    clock: createReportClock('UTC'),
    bom: false,
  });
  await file.write(encoder.header());
  let rows = 0;
  for (const page of pages(N)) {
    await file.write(encoder.encode(page));
    rows += page.length;
    sampler.at(rows);
  }
  const bytes = await file.commit();
  return { ms: performance.now() - t, bytes, memory: sampler.samples };
}

const best = (a: Run, b: Run): Run => (a.ms <= b.ms ? a : b);
const rate = (rows: number, ms: number): number => rows / (ms / 1000);

console.log(
  `Export benchmark: N=${fmt(N)} check-ins (XLSX ${fmt(XLSX_N)}), scale ${SCALE}, dir ${dir}`,
);
try {
  // 1. Writer only.
  const b1 = await baseline(join(dir, 'baseline.csv'));
  const o1 = await ours(join(dir, 'ours.csv'));
  const b2 = await baseline(join(dir, 'baseline.csv'));
  const o2 = await ours(join(dir, 'ours.csv'));
  const j1 = await baseline(join(dir, 'joins-fast.csv'), true);
  const j2 = await baseline(join(dir, 'joins-fast.csv'), true);
  const b = best(b1, b2);
  const o = best(o1, o2);
  const j = best(j1, j2);
  console.log(`\nWriter only (same in-memory rows, ${fmt(N)} check-ins to CSV, best of 2):`);
  console.log(
    table([
      ['writer', 'rows/s', 'MB/s', 'file MB', 'ratio to baseline'],
      [
        'plain string joins (baseline)',
        fmt(rate(N, b.ms)),
        mb(b.bytes / 2 ** 20 / (b.ms / 1000)),
        mb(b.bytes / 2 ** 20),
        '1.00',
      ],
      [
        'plain joins + our cached time formatting',
        fmt(rate(N, j.ms)),
        mb(j.bytes / 2 ** 20 / (j.ms / 1000)),
        mb(j.bytes / 2 ** 20),
        (b.ms / j.ms).toFixed(2),
      ],
      [
        'ours (csv-stringify, RFC 4180)',
        fmt(rate(N, o.ms)),
        mb(o.bytes / 2 ** 20 / (o.ms / 1000)),
        mb(o.bytes / 2 ** 20),
        (b.ms / o.ms).toFixed(2),
      ],
    ]),
  );
  console.log('\nMemory during our CSV writer (heap after GC, RSS):');
  console.log(
    table([
      ['rows written', 'heap MB', 'RSS MB'],
      ...o.memory.map((s) => [fmt(s.rows), mb(s.heapMb), mb(s.rssMb)]),
    ]),
  );
  console.log(`heap growth: ${heapGrowth(o.memory)}`);

  // 2. End to end from a SQLite data folder.
  const dataDir = join(dir, 'data');
  const store = await openStore(dataDir);
  const tInsert = performance.now();
  for (let i = 0; i < N; i += PAGE) {
    const batch = [];
    for (let j = i; j < Math.min(N, i + PAGE); j++) batch.push(benchSpec(j));
    await storeCheckIns(store.db, batch);
  }
  const insertMs = performance.now() - tInsert;
  await store.close();
  console.log(`\n(setup: stored ${fmt(N)} check-ins in SQLite at ${fmt(rate(N, insertMs))}/s)`);
  // A fresh process for the exports, so its RSS shows the export, not the insert above.
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'export-e2e-child.ts'),
      dataDir,
      String(N),
      String(XLSX_N),
      dir,
    ],
    { stdio: 'inherit' },
  );
  if (child.status !== 0)
    throw new Error(`the end-to-end run failed (${child.status ?? child.signal})`);
  const ratio = b.ms / o.ms;
  console.log(
    `\nTarget: writer ≥ 0.5 × baseline → ${ratio.toFixed(2)} × (${ratio >= 0.5 ? 'met' : 'NOT met'})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
