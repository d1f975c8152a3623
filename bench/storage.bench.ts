/**
 * Storage benchmark (issue 3). BENCH_SCALE=0.1 for a quick run.
 *  1. Bulk insert N check-ins (batches of 1,000) via raw node:sqlite, RxDB on our storage and
 *     RxDB on its memory storage; docs/s and ratio to raw.
 *  2. Grow our database to 10 N; indexed query p50/p95, count, cold open + first query.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRxDatabase, type RxCollection } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { getRxStorageNodeSqlite } from '../electron/storage';
import { type CheckinDoc, checkinSchema, makeCheckin } from '../test/helpers/checkin-schema';
import { fmt, percentile, table } from './bench-common';
import { rawInsert } from './storage-bench-helpers';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.round(100_000 * SCALE);
const BIG = Math.round(1_000_000 * SCALE);
const BATCH = 1_000;
const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'gate-ops-bench-'));

async function rxdbInsert(
  collection: RxCollection<CheckinDoc>,
  from: number,
  to: number,
): Promise<void> {
  for (let start = from; start < to; start += BATCH) {
    const docs: CheckinDoc[] = [];
    for (let i = start; i < Math.min(to, start + BATCH); i++) docs.push(makeCheckin(i));
    const result = await collection.bulkInsert(docs);
    if (result.error.length) throw new Error(`insert failed: ${JSON.stringify(result.error[0])}`);
  }
}

function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const value = fn();
  return [value, performance.now() - t];
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
}

console.log(`Storage benchmark: N=${fmt(N)} inserts, ${fmt(BIG)} stored for queries (dir ${dir})`);
try {
  // Document construction is outside the raw timing; RxDB rows build theirs inside (cheap).
  const docs = Array.from({ length: N }, (_, i) => makeCheckin(i));
  const [, rawMs] = time(() => rawInsert(path.join(dir, 'raw.sqlite'), docs, BATCH));

  const memoryDb = await createRxDatabase<{ checkins: RxCollection<CheckinDoc> }>({
    name: 'benchmem',
    storage: getRxStorageMemory(),
    multiInstance: false,
  });
  await memoryDb.addCollections({ checkins: { schema: checkinSchema } });
  const [, memoryMs] = await timeAsync(() => rxdbInsert(memoryDb.checkins, 0, N));
  await memoryDb.remove();

  const db = await createRxDatabase<{ checkins: RxCollection<CheckinDoc> }>({
    name: 'bench',
    storage: getRxStorageNodeSqlite({ directory: dir }),
    multiInstance: false,
  });
  await db.addCollections({ checkins: { schema: checkinSchema } });
  const checkins = db.checkins;
  const [, oursMs] = await timeAsync(() => rxdbInsert(checkins, 0, N));

  const rate = (ms: number) => N / (ms / 1000);
  const rawRate = rate(rawMs);
  const insertRows = [
    ['bulk insert (batches of 1,000)', 'docs/s', 'ratio to raw'],
    ['raw node:sqlite (JSON + same indexes)', fmt(rawRate), '1.00'],
    ['RxDB on node:sqlite storage (ours)', fmt(rate(oursMs)), fmt(rate(oursMs) / rawRate, 2)],
    ['RxDB on memory storage', fmt(rate(memoryMs)), fmt(rate(memoryMs) / rawRate, 2)],
  ];
  console.log('\n' + table(insertRows));

  const [, growMs] = await timeAsync(() => rxdbInsert(checkins, N, BIG));
  console.log(`\n(grew to ${fmt(BIG)} documents in ${fmt(growMs / 1000, 1)} s)`);

  const start = makeCheckin(0).checkedInAt;
  const span = makeCheckin(BIG - 1).checkedInAt - start;
  const samples: number[] = [];
  let rows = 0;
  for (let q = 0; q < 300; q++) {
    const gate = `gate-${String((q % 36) + 1).padStart(2, '0')}`;
    const from = start + (((q * 7919) % 1000) / 1000) * span;
    const [found, ms] = await timeAsync(() =>
      checkins
        .find({
          selector: { gate, checkedInAt: { $gte: from, $lt: from + span / 50 } },
          sort: [{ checkedInAt: 'asc' }],
          limit: 100,
        })
        .exec(),
    );
    if (q >= 20) samples.push(ms); // the first ones warm up the JIT and the page cache
    rows += found.length;
  }
  samples.sort((a, b) => a - b);
  const [count, countMs] = await timeAsync(() =>
    checkins.count({ selector: { gate: 'gate-07' } }).exec(),
  );
  await db.close();

  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join('bench', 'storage-open-child.ts'), dir],
    {
      encoding: 'utf8',
    },
  );
  if (child.status !== 0) throw new Error(`open child failed: ${child.stderr}`);
  const cold = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as {
    openMs: number;
    firstQueryMs: number;
  };

  const p95 = percentile(samples, 95);
  const openTotal = cold.openMs + cold.firstQueryMs;
  console.log(
    '\n' +
      table([
        [`with ${fmt(BIG)} documents stored`, 'value', 'target'],
        [
          'indexed query (gate + time range, limit 100) p50',
          `${fmt(percentile(samples, 50), 2)} ms`,
          '',
        ],
        ['indexed query p95', `${fmt(p95, 2)} ms`, `< 20 ms ${p95 < 20 ? 'OK' : 'MISSED'}`],
        [`count (gate-07: ${fmt(count)} docs, fast mode)`, `${fmt(countMs, 2)} ms`, ''],
        ['open file + addCollections (new process)', `${fmt(cold.openMs, 1)} ms`, ''],
        ['first query after open', `${fmt(cold.firstQueryMs, 1)} ms`, ''],
        [
          'open + first query',
          `${fmt(openTotal, 1)} ms`,
          `< 1000 ms ${openTotal < 1000 ? 'OK' : 'MISSED'}`,
        ],
      ]),
  );
  const ratio = rate(oursMs) / rawRate;
  console.log(
    `\ninsert ratio to raw: ${fmt(ratio, 2)} (target >= 0.40: ${ratio >= 0.4 ? 'OK' : 'MISSED'}); ${fmt(rows)} rows read by queries`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
