/**
 * Check-in search benchmark (issue 15 item 1). BENCH_SCALE=0.1 for a quick run.
 *
 * Input: a store of BIG realistic check-ins (storage-search-store.ts: simulator events,
 * classified by the contract, documents built by the app's `checkInDoc`, written through our
 * storage engine with the app's full-text declaration), cached in the OS temp dir and copied.
 *
 *  1. Write path at BIG stored: N check-ins in batches of 1,000 (as the ingest commits) into a
 *     copy with the full-text index and a copy without it (index dropped), taking turns:
 *     docs/s, CPU µs/doc and the ratio — what keeping the index in the same transaction costs.
 *  2. Bytes per check-in of the full-text index (dbstat), next to the document JSON and file.
 *  3. First page (50) + capped total (1,000) for a surname, an e-mail fragment and a ticket-id
 *     suffix taken from stored check-ins: p50/p95 of the storage's `fullTextSearch` (what
 *     `searchCheckins` runs; wall and this process's CPU time, which the shared machine's load
 *     inflates less), with the time of its index pass alone; the baseline in the same
 *     run on the same table: the same answer by a LIKE scan ('%text%' on the same fields,
 *     newest first, up to 1,001 rows read, so the page and the capped count in one pass).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { randomToken } from 'rxdb';
import { CHECKIN_FULL_TEXT, checkinsSchema } from '../electron/db';
import { fmt, percentile, table } from './bench-common';
import { fileBytes, Meter } from './storage-bench-helpers';
import { RealisticMessages } from './storage-fixture';
import {
  copySearchStore,
  openCheckins,
  realisticRows,
  sqlOf,
  type SearchInstance,
} from './storage-search-store';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const BIG = Math.round(1_000_000 * SCALE);
const N = Math.max(2_000, Math.round(20_000 * SCALE));
const BATCH = 1_000;
const PAGE = 50;
const COUNT_UP_TO = 1_000;
const TABLE = `checkins--v${checkinsSchema.version}`;
const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'gate-ops-search-'));
const log = (line: string) => console.log(line);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

/** Wall times (sorted, ms) and CPU times (sorted, ms) of the runs. */
function sample(
  budgetMs: number,
  minSamples: number,
  maxSamples: number,
  run: (i: number) => unknown,
): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  const started = performance.now();
  for (let i = 0; i < maxSamples; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    run(i);
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    if (performance.now() - started > budgetMs && wall.length >= minSamples) break;
  }
  return { wall: wall.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
}

/** The store without its full-text index, as if it was never declared. */
function dropFullText(file: string): void {
  const db = new DatabaseSync(file);
  try {
    db.exec(`DROP TABLE IF EXISTS "${TABLE}__fts"`);
    db.prepare(
      'UPDATE rx_storage_tables SET full_text = NULL, full_text_fill = NULL WHERE name = ?',
    ).run(TABLE);
  } finally {
    db.close();
  }
}

log(
  `Search benchmark: ${fmt(BIG)} check-ins stored, ${fmt(N)} inserts compared (dir ${dir});` +
    ` load average ${load()}`,
);
try {
  await copySearchStore(BIG, path.join(dir, 'fts'), 'fts', log);
  await copySearchStore(BIG, path.join(dir, 'plain'), 'plain', log);
  dropFullText(path.join(dir, 'plain', 'plain.sqlite'));
  const indexed = await openCheckins(path.join(dir, 'fts'), 'fts', true);
  const plain = await openCheckins(path.join(dir, 'plain'), 'plain', false);

  // 1. The write path at BIG stored (new check-ins from a venue with another seed).
  const messages = new RealisticMessages(11, Date.UTC(2026, 4, 6, 16, 0, 0));
  const token = randomToken(10);
  const plainMeter = new Meter();
  const ftsMeter = new Meter();
  for (let written = 0; written < N; written += BATCH) {
    const rows = realisticRows(messages, BATCH, token);
    const write = (target: SearchInstance, meter: Meter) => () =>
      meter.measure(rows.length, async () => {
        const result = await target.bulkWrite(rows, 'search-bench');
        if (result.error.length) throw new Error(`insert failed: ${result.error[0]!.status}`);
      });
    const steps = [write(plain, plainMeter), write(indexed, ftsMeter)];
    if ((written / BATCH) % 2 === 1) steps.reverse(); // the machine's speed drifts
    for (const step of steps) await step();
  }
  await plain.close();
  log(
    '\n' +
      table([
        [
          `insert ${fmt(N)} check-ins at ${fmt(BIG)} stored, batches of ${fmt(BATCH)}`,
          'docs/s',
          'ratio',
          'CPU µs/doc',
          'ratio',
        ],
        [
          'engine, no full-text index',
          fmt(plainMeter.rate),
          '1.00',
          fmt(plainMeter.cpuPerDoc),
          '1.00',
        ],
        [
          'engine + FTS5 trigram index (same transaction)',
          fmt(ftsMeter.rate),
          fmt(ftsMeter.rate / plainMeter.rate, 2),
          fmt(ftsMeter.cpuPerDoc),
          fmt(ftsMeter.cpuPerDoc / plainMeter.cpuPerDoc, 2),
        ],
      ]),
  );

  // 2. Bytes.
  const db = sqlOf(indexed);
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const stored = Number(db.prepare(`SELECT count(*) AS n FROM "${TABLE}"`).get()?.n ?? 0);
  const bytesOf = (like: string) =>
    Number(db.prepare('SELECT sum(pgsize) AS b FROM dbstat WHERE name LIKE ?').get(like)?.b ?? 0);
  const ftsBytes = bytesOf(`${TABLE}__fts%`);
  const jsonBytes = Number(
    db.prepare(`SELECT avg(length(CAST(data AS BLOB))) AS b FROM "${TABLE}"`).get()?.b ?? 0,
  );
  log(
    '\n' +
      table([
        [`${fmt(stored)} check-ins stored`, 'bytes per check-in'],
        ['check-in document JSON as stored (avg)', fmt(jsonBytes)],
        ['full-text index (FTS5 tables, dbstat): the extra bytes', fmt(ftsBytes / stored)],
        ['check-ins table + its indexes (dbstat)', fmt((bytesOf(`${TABLE}%`) - ftsBytes) / stored)],
        ['whole file', fmt(fileBytes(path.join(dir, 'fts', 'fts.sqlite')) / stored)],
      ]),
  );
  // Each search looks up every term in every segment: fewer segments, quicker searches.
  const segments = db.prepare(`SELECT count(DISTINCT segid) AS n FROM "${TABLE}__fts_idx"`).get();
  log(`FTS5 segments: ${String(segments?.n)}`);

  // 3. Searches: texts from check-ins spread over the store (deterministic picks).
  const bounds = db.prepare(`SELECT min(rid) AS lo, max(rid) AS hi FROM "${TABLE}"`).get()!;
  const [lo, hi] = [Number(bounds.lo), Number(bounds.hi)];
  const at = db.prepare(
    `SELECT json(data) AS data FROM "${TABLE}" WHERE rid >= ? ORDER BY rid LIMIT 1`,
  );
  const picks = Array.from({ length: 200 }, (_, i) => {
    const rid = lo + Math.floor(((i * 7919) % 200) * ((hi - lo) / 200));
    return JSON.parse(at.get(rid)!.data as string) as Record<string, unknown>;
  });
  const get = (doc: Record<string, unknown>, pathName: string) =>
    pathName
      .split('.')
      .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], doc);
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
  const like = db.prepare(
    `SELECT rid, json(data) AS data FROM "${TABLE}" WHERE deleted = 0 AND (${fields.join(' OR ')})` +
      ` ORDER BY rid DESC LIMIT ${COUNT_UP_TO + 1}`,
  );
  // The index pass alone (what full-text.ts runs first), for the phase split.
  const fts = `"${TABLE}__fts"`;
  const indexPass = db.prepare(
    `SELECT -rowid FROM ${fts} WHERE ${fts} MATCH ? ORDER BY rowid LIMIT ${COUNT_UP_TO + 1}`,
  );
  const rows: string[][] = [
    [
      `search at ${fmt(stored)} stored (page ${PAGE} + total ≤ ${fmt(COUNT_UP_TO)})`,
      'FTS p50',
      'FTS p95',
      'CPU p50',
      'CPU p95',
      'index pass p50',
      'LIKE scan p50',
      'LIKE scan p95',
      'ratio p50',
      'p95 < 50 ms',
    ],
  ];
  for (const [what, list] of Object.entries(texts)) {
    const text = (i: number) => list[(i * 7919) % list.length]!;
    let matched = 0;
    const searched = sample(20_000, 20, 200, (i) => {
      const result = indexed.fullTextSearch({
        text: text(i),
        limit: PAGE,
        countUpTo: COUNT_UP_TO,
      })!;
      matched += result.total;
      for (const doc of result.documents) void doc.id;
    });
    const pass = sample(5_000, 20, 200, (i) => indexPass.all(`"${text(i)}"`));
    const scanned = sample(20_000, 3, 20, (i) => {
      const pattern = `%${text(i)}%`;
      const found = like.all(...CHECKIN_FULL_TEXT.fields.map(() => pattern));
      for (const row of found.slice(0, PAGE)) JSON.parse(row.data as string);
    });
    const p = (s: number[], q: number) => percentile(s, q);
    rows.push([
      `${what} (avg ${fmt(matched / searched.wall.length)} counted)`,
      `${fmt(p(searched.wall, 50), 2)} ms`,
      `${fmt(p(searched.wall, 95), 2)} ms`,
      `${fmt(p(searched.cpu, 50), 2)} ms`,
      `${fmt(p(searched.cpu, 95), 2)} ms`,
      `${fmt(p(pass.wall, 50), 2)} ms`,
      `${fmt(p(scanned.wall, 50), 0)} ms`,
      `${fmt(p(scanned.wall, 95), 0)} ms`,
      fmt(p(searched.wall, 50) / p(scanned.wall, 50), 4),
      p(searched.wall, 95) < 50 ? 'OK' : 'MISSED',
    ]);
  }
  log('\n' + table(rows));
  log(`\nload average at the end: ${load()} (2 shared cores)`);
  await indexed.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
