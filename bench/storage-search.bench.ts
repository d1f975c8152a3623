/**
 * Check-in search benchmark (issue 15 item 1). BENCH_SCALE=0.1 for a quick run.
 *
 * Input: realistic check-ins made by the app's own code (relay simulator events, classified by
 * the contract, documents built by the ingest's commitBatch), on the app's `checkins` schema.
 *
 *  1. Insert N check-ins in batches of 1,000 into our storage engine without and with the
 *     app's full-text declaration (CHECKIN_FULL_TEXT), taking turns: docs/s and the ratio (what
 *     keeping the FTS index in the same transaction costs a write), bytes per check-in.
 *  2. Grow the full-text store to BIG check-ins; bytes the FTS index takes per check-in
 *     (dbstat), next to the document JSON.
 *  3. At BIG stored, first page (50) + capped total (1,000) for a surname, an e-mail fragment and
 *     a ticket-id suffix taken from stored check-ins: p50/p95 through the index (what
 *     searchCheckins runs), and the baseline in the same run on the same table: the same
 *     answer by a LIKE scan ('%text%' on the same fields, newest first, count capped).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRevision, fillWithDefaultSettings, now, randomToken } from 'rxdb';
import { CHECKIN_FULL_TEXT, checkinsSchema, type CheckInDoc } from '../electron/db';
import { getRxStorageNodeSqlite, type NodeSqliteInternals } from '../electron/storage';
import type { NodeSqliteStorageInstance } from '../electron/storage/sqlite-storage-instance';
import { fmt, percentile, table } from './bench-common';
import { fileBytes, Meter } from './storage-bench-helpers';
import { CapturedCommits, RealisticMessages, type PlainDoc } from './storage-fixture';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.round(100_000 * SCALE);
const BIG = Math.max(N, Math.round(1_000_000 * SCALE));
const BATCH = 1_000;
const PAGE = 50;
const COUNT_UP_TO = 1_000;
const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'gate-ops-search-'));
const log = (line: string) => console.log(line);
type Instance = NodeSqliteStorageInstance<CheckInDoc>;

async function open(name: string, fullText: boolean): Promise<Instance> {
  const folder = path.join(dir, name);
  mkdirSync(folder);
  const storage = getRxStorageNodeSqlite({ directory: folder });
  return (await storage.createStorageInstance<CheckInDoc>({
    databaseInstanceToken: randomToken(10),
    databaseName: name,
    collectionName: 'checkins',
    schema: fillWithDefaultSettings(checkinsSchema),
    options: fullText ? { fullText: CHECKIN_FULL_TEXT } : {},
    multiInstance: false,
    devMode: false,
  })) as unknown as Instance;
}

function sqlOf(instance: Instance) {
  return (instance.internals as NodeSqliteInternals).connection.db;
}

function sample(budgetMs: number, maxSamples: number, run: (i: number) => unknown): number[] {
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < maxSamples; i++) {
    const t = performance.now();
    run(i);
    times.push(performance.now() - t);
    if (performance.now() - started > budgetMs && times.length >= 3) break;
  }
  return times.sort((a, b) => a - b);
}

log(`Search benchmark: ${fmt(N)} inserts compared, ${fmt(BIG)} stored for searches (dir ${dir})`);
try {
  const messages = new RealisticMessages();
  const captured = new CapturedCommits();
  const plain = await open('plain', false);
  const indexed = await open('fts', true);
  const plainMeter = new Meter();
  const ftsMeter = new Meter();
  const token = randomToken(10);
  let jsonBytes = 0;
  const picks: PlainDoc[] = [];
  for (let stored = 0; stored < BIG; stored += BATCH) {
    const docs = await captured.checkins(messages.next(BATCH));
    for (const doc of docs) jsonBytes += Buffer.byteLength(JSON.stringify(doc));
    picks.push(docs[(stored / BATCH) % docs.length]!);
    const rows = docs.map((doc) => ({
      document: {
        ...(doc as unknown as CheckInDoc),
        _deleted: false,
        _attachments: {},
        _rev: createRevision(token),
        _meta: { lwt: now() },
      },
    }));
    const write = (target: Instance, meter: Meter) => () =>
      meter.measure(rows.length, async () => {
        const result = await target.bulkWrite(rows, 'search-bench');
        if (result.error.length) throw new Error(`insert failed: ${result.error[0]!.status}`);
      });
    if (stored < N) {
      const steps = [write(plain, plainMeter), write(indexed, ftsMeter)];
      if ((stored / BATCH) % 2 === 1) steps.reverse(); // the machine's speed drifts
      for (const step of steps) await step();
    } else {
      await write(indexed, ftsMeter)();
    }
    if (stored + BATCH === N) {
      const plainFile = path.join(dir, 'plain', 'plain.sqlite');
      await plain.close(); // the last connection: SQLite folds the WAL into the file
      sqlOf(indexed).exec('PRAGMA wal_checkpoint(TRUNCATE)');
      const ftsBytes = fileBytes(path.join(dir, 'fts', 'fts.sqlite'));
      const ftsRate = ftsMeter.rate;
      log(
        '\n' +
          table([
            [
              `insert ${fmt(N)} check-ins, batches of ${fmt(BATCH)}`,
              'docs/s',
              'ratio',
              'bytes/doc',
            ],
            [
              'engine, no full-text index',
              fmt(plainMeter.rate),
              '1.00',
              fmt(fileBytes(plainFile) / N),
            ],
            [
              'engine + FTS5 trigram index (same transaction)',
              fmt(ftsRate),
              fmt(ftsRate / plainMeter.rate, 2),
              fmt(ftsBytes / N),
            ],
          ]),
      );
    }
    if (stored >= N && (stored / BATCH) % 100 === 0) log(`  … ${fmt(stored)} stored`);
  }

  const db = sqlOf(indexed);
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const ftsPages = Number(
    db.prepare("SELECT sum(pgsize) AS b FROM dbstat WHERE name LIKE 'checkins--v%__fts%'").get()
      ?.b ?? 0,
  );
  const fileSize = fileBytes(path.join(dir, 'fts', 'fts.sqlite'));
  log(
    '\n' +
      table([
        [`${fmt(BIG)} check-ins stored`, 'bytes per check-in'],
        ['check-in document JSON (avg)', fmt(jsonBytes / BIG)],
        ['full-text index (FTS5 tables, dbstat)', fmt(ftsPages / BIG)],
        ['whole file', fmt(fileSize / BIG)],
      ]),
  );

  // 3. Searches at BIG: texts taken from stored check-ins.
  const get = (doc: PlainDoc, pathName: string) =>
    pathName.split('.').reduce<unknown>((v, k) => (v as PlainDoc | undefined)?.[k], doc);
  const [nameField, emailField, ticketField] = CHECKIN_FULL_TEXT.fields as [string, string, string];
  const texts = {
    surname: picks.map((d) =>
      String(get(d, nameField) ?? '')
        .split(' ')
        .pop()!,
    ),
    'e-mail fragment': picks.map((d) => String(get(d, emailField) ?? '').slice(2, 10)),
    'ticket-id suffix': picks.map((d) => String(get(d, ticketField) ?? '').slice(-6)),
  };
  const fields = CHECKIN_FULL_TEXT.fields.map(
    (f) => `coalesce(json_extract(data, '$.${f}'), '') LIKE ?`,
  );
  const likePage = db.prepare(
    `SELECT rid, data FROM "checkins--v${checkinsSchema.version}" WHERE deleted = 0` +
      ` AND (${fields.join(' OR ')}) ORDER BY rid DESC LIMIT ${PAGE}`,
  );
  const likeCount = db.prepare(
    `SELECT count(*) AS n FROM (SELECT 1 FROM "checkins--v${checkinsSchema.version}"` +
      ` WHERE deleted = 0 AND (${fields.join(' OR ')}) LIMIT ${COUNT_UP_TO + 1})`,
  );
  const rows: string[][] = [
    [
      `search at ${fmt(BIG)} stored (page ${PAGE} + total ≤ ${fmt(COUNT_UP_TO)})`,
      'FTS p50',
      'FTS p95',
      'LIKE scan p50',
      'LIKE scan p95',
      'ratio p50',
      'p95 < 50 ms',
    ],
  ];
  for (const [what, list] of Object.entries(texts)) {
    let matched = 0;
    const fts = sample(20_000, 200, (i) => {
      const result = indexed.fullTextSearch({
        text: list[(i * 7919) % list.length]!,
        limit: PAGE,
        countUpTo: COUNT_UP_TO,
      })!;
      matched += result.total;
      for (const doc of result.documents) void doc.id;
    });
    const like = sample(20_000, 20, (i) => {
      const pattern = `%${list[(i * 7919) % list.length]!}%`;
      const params = CHECKIN_FULL_TEXT.fields.map(() => pattern);
      for (const row of likePage.all(...params)) JSON.parse(row.data as string);
      likeCount.get(...params);
    });
    const p = (s: number[], q: number) => percentile(s, q);
    rows.push([
      `${what} (avg ${fmt(matched / fts.length)} matches)`,
      `${fmt(p(fts, 50), 2)} ms`,
      `${fmt(p(fts, 95), 2)} ms`,
      `${fmt(p(like, 50), 1)} ms`,
      `${fmt(p(like, 95), 1)} ms`,
      fmt(p(fts, 50) / p(like, 50), 3),
      p(fts, 95) < 50 ? 'OK' : 'MISSED',
    ]);
  }
  log('\n' + table(rows));
  await indexed.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
