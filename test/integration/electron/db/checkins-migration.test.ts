/**
 * The check-in document v1 migration on stored databases of the previous version: the fixture
 * the v0 app wrote (test/fixtures/store-v0.md), a store killed (SIGKILL) in the middle of
 * migrating, and the documents it produces (the same bytes as ingest builds for that event).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { classify, dedupeKey, withoutSequence } from '../../../../shared/contract';
import {
  ACTIVITY_SNAPSHOT_ID,
  checkInDoc,
  checkInDocId,
  localCheckIns,
  openStore,
  readIngestTotals,
  readStoreStats,
  type CheckInDoc,
  type Store,
} from '../../../../electron/db';
import { IngestPipeline } from '../../../../electron/ingest';
import { runCli } from '../../../helpers/cli';
import { FIXTURES } from '../../../helpers/events';
import { tempDir } from '../../../helpers/relay';
import { buildStoreV0, docV0, eventV0 } from '../../../helpers/store-v0';
import { LegacyCollectionTable } from '../../../../electron/storage/legacy-collection-table';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function folder(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return dir;
}

async function open(dir: string, options: Parameters<typeof openStore>[2] = {}): Promise<Store> {
  const store = await openStore(dir, 'gate-ops', options);
  cleanups.push(() => store.close());
  return store;
}

type Row = Record<string, unknown>;

/** What a v0 file holds, read with plain SQL before anything migrates it. */
function readV0(file: string) {
  const sql = new DatabaseSync(file, { readOnly: true });
  try {
    const docs = sql
      .prepare('SELECT json(data) AS data FROM "checkins--v0" WHERE deleted = 0')
      .all()
      .map((r: Row) => JSON.parse(String(r['data'])));
    const conflicts = sql
      .prepare('SELECT json(data) AS data FROM "conflicts--v0" WHERE deleted = 0')
      .all()
      .map((r: Row) => JSON.parse(String(r['data'])));
    const quarantined = Number(
      (sql.prepare('SELECT count(*) AS n FROM "quarantine--v0" WHERE deleted = 0').get() as Row)[
        'n'
      ],
    );
    return { docs, conflicts, quarantined };
  } finally {
    sql.close();
  }
}

/** Every document of the store, by id, without RxDB's metadata. */
async function allDocs(store: Store): Promise<Map<string, CheckInDoc>> {
  const docs = await store.db.checkins.find().exec();
  return new Map(docs.map((d) => [d.id, d.toJSON() as CheckInDoc]));
}

/** The re-entry flags by the v1 rule: per ticket, every check-in but the earliest (checkedInAt, id). */
function reentriesByTime(docs: Iterable<CheckInDoc>): Set<string> {
  const byTicket = new Map<string, CheckInDoc[]>();
  for (const d of docs) byTicket.set(d.ticketId, [...(byTicket.get(d.ticketId) ?? []), d]);
  const out = new Set<string>();
  for (const list of byTicket.values()) {
    list.sort((a, b) => a.checkedInAt - b.checkedInAt || (a.id < b.id ? -1 : 1));
    for (const d of list.slice(1)) out.add(d.id);
  }
  return out;
}

describe('check-in document v1 migration', () => {
  it('migrates the store the v0 app wrote: documents, local facts, re-entries, keys', async () => {
    const dir = folder();
    const file = join(dir, 'gate-ops.sqlite');
    writeFileSync(file, gunzipSync(readFileSync(join(FIXTURES, 'store-v0.sqlite.gz'))));
    const v0 = readV0(file);
    expect(v0.docs.length).toBe(516);
    // `gate-ops stats` only reads: it says the folder needs the app to upgrade it, changes nothing.
    const stats0 = await runCli(['stats', '--data-dir', dir]);
    expect(stats0.code).toBe(1);
    expect(stats0.stderr).toMatch(/earlier version of Gate Ops; start the app once to upgrade it/);
    // `gate-ops export` the same: one plain line, no file written, nothing changed.
    const csv = join(dir, 'before-upgrade.csv');
    const export0 = await runCli(['export', '--data-dir', dir, '--out', csv]);
    expect(export0.code).toBe(1);
    expect(export0.stderr).toMatch(
      /^gate-ops export: this data folder was written by an earlier version of Gate Ops; start the app once to upgrade it \(/m,
    );
    expect(export0.stderr).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(existsSync(csv)).toBe(false);
    expect(readV0(file).docs.length).toBe(516);

    const store = await open(dir);
    const docs = await allDocs(store);
    const local = localCheckIns(store.db);
    // The conflict that only the old key rule made (pair-b spelled pair-a's pair key) is a
    // check-in now; every other conflict stays one.
    expect(docs.size).toBe(517);
    expect(await store.db.conflicts.count().exec()).toBe(v0.conflicts.length - 1);
    expect(local.count()).toBe(517);

    for (const old of v0.docs) {
      const event = JSON.parse(old.raw) as Record<string, unknown>;
      const id = checkInDocId(dedupeKey(event)!);
      const doc = docs.get(id);
      expect(doc, old.key).toBeDefined();
      // The event as received less the relay's stamp, key order kept, nested (not a string).
      expect(doc!.event).toEqual(withoutSequence(event));
      expect(Object.keys(doc!.event)).toEqual(Object.keys(withoutSequence(event)));
      expect(doc!.event).not.toHaveProperty('sequence');
      expect(doc).toMatchObject({
        ticketId: old.ticketId,
        checkedInAt: old.checkedInAt,
        gate: old.gate,
        deviceId: old.deviceId,
        sessionId: old.sessionId,
        eventId: old.eventId,
        fingerprint: old.fingerprint,
      });
      const facts = local.get([id]).get(id)!;
      expect(facts).toMatchObject({
        seq: old.ingestSeq,
        receivedAt: old.receivedAt,
        relaySeq: old.sequence ?? null,
        origin: 'relay',
      });
    }
    // The backslash key got its escape, so its id changed; the others kept theirs.
    const backslash = v0.docs.find((d) => d.key === '\\odd-key')!;
    expect(docs.has(backslash.id)).toBe(false);
    expect(docs.has(checkInDocId('\\\\odd-key'))).toBe(true);
    expect(v0.docs.filter((d) => !docs.has(d.id)).map((d) => d.key)).toEqual(['\\odd-key']);
    const pairB = [...docs.values()].find(
      (d) => (d.event['data'] as Row)['check_in_id'] === 'pair-b',
    );
    expect(pairB).toBeDefined();
    expect(local.get([pairB!.id]).get(pairB!.id)?.seq).toBe(
      v0.conflicts.find((c) => JSON.parse(c.text).data.check_in_id === 'pair-b').ingestSeq,
    );

    // Re-entries decided again by check-in time, not arrival.
    const expected = reentriesByTime(docs.values());
    const flagged = new Set(
      [...local.get([...docs.keys()]).values()].filter((l) => l.reentry).map((l) => l.id),
    );
    expect(flagged).toEqual(expected);
    const lateFirst = checkInDocId('late-first');
    const lateSecond = checkInDocId('late-second');
    expect(v0.docs.find((d) => d.key === 'late-first').reentry).toBe(true);
    expect(local.get([lateFirst]).get(lateFirst)?.reentry).toBe(false);
    expect(local.get([lateSecond]).get(lateSecond)?.reentry).toBe(true);
    expect(local.ticketCount()).toBe(new Set([...docs.values()].map((d) => d.ticketId)).size);

    // Counters follow, the old snapshot is gone, the old tables and the tickets collection too.
    const totals = await readIngestTotals(store.db);
    expect(totals).toMatchObject({
      stored: 517,
      reentries: expected.size,
      conflicts: v0.conflicts.length - 1,
      quarantined: v0.quarantined,
      ingestSeq: 606,
      cursor: '000000000606',
    });
    expect(await store.db.state.findOne(ACTIVITY_SNAPSHOT_ID).exec()).toBeNull();
    const stats = await readStoreStats(store.db);
    expect(stats).toMatchObject({ checkins: 517, reentries: expected.size });
    expect(stats.uniqueTickets).toBe(local.ticketCount());
    await store.close();
    const sql = new DatabaseSync(file, { readOnly: true });
    const tables = sql
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((r: Row) => String(r['name']));
    const internal = sql
      .prepare('SELECT json(data) AS data FROM "_rxdb_internal--v0" WHERE deleted = 0')
      .all()
      .map((r: Row) => JSON.parse(String(r['data'])).key as string);
    sql.close();
    expect(tables).toContain('checkins--v1');
    expect(tables).not.toContain('checkins--v0');
    expect(tables).not.toContain('tickets--v0');
    expect(internal).not.toContain('tickets-0');
    expect(internal).not.toContain('checkins-0');
    expect(internal).toContain('checkins-1');

    // Opening again changes nothing; ingest carries on from the cursor.
    const again = await open(dir);
    expect(await again.db.checkins.count().exec()).toBe(517);
    const pipeline = await IngestPipeline.open({
      db: again.db,
      transaction: again.transaction,
      relay: 'wss://relay.example/stream',
    });
    expect(pipeline.resumeCursor()).toBe('000000000606');
    const extra = (docs.get(lateSecond)!.event as Row) ?? {};
    pipeline.push(JSON.stringify({ ...extra, sequence: '000000000607' }));
    await pipeline.flush();
    expect(pipeline.totals).toMatchObject({ stored: 517, redelivered: 51, ingestSeq: 607 });
    await pipeline.close();
  });

  it('survives a SIGKILL midway: the next start finishes, nothing lost or doubled', async () => {
    const dir = folder();
    const N = 3000;
    await buildStoreV0(dir, N);
    const file = join(dir, 'gate-ops.sqlite');
    const before = readV0(file);

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, '../../../helpers/migrate-child.ts'),
        dir,
        '50',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const done = [...out.matchAll(/progress (\d+) /g)].map((m) => Number(m[1]));
        if (done.some((d) => d >= N / 4)) resolve();
      });
      void exited.then(() => reject(new Error(`the migration ended before it was killed: ${out}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(out).not.toContain('opened');

    // Midway: some moved, some not.
    const sql = new DatabaseSync(file);
    const moved = Number(
      (sql.prepare('SELECT count(*) AS n FROM checkin_local').get() as Row)['n'],
    );
    const left = Number(
      (sql.prepare('SELECT count(*) AS n FROM "checkins--v0"').get() as Row)['n'],
    );
    sql.close();
    expect(moved).toBeGreaterThanOrEqual(N / 4);
    expect(moved).toBeLessThan(N);
    expect(left).toBe(N);

    const store = await open(dir);
    const docs = await allDocs(store);
    const local = localCheckIns(store.db);
    expect(docs.size).toBe(N);
    expect(local.count()).toBe(N);
    for (const old of before.docs) {
      const doc = docs.get(old.id)!;
      expect(doc.event).toEqual(withoutSequence(JSON.parse(old.raw)));
      expect(local.get([old.id]).get(old.id)).toMatchObject({
        seq: old.ingestSeq,
        receivedAt: old.receivedAt,
        relaySeq: old.sequence,
      });
    }
    const expected = reentriesByTime(docs.values());
    expect(local.reentryCount()).toBe(expected.size);
    expect((await readIngestTotals(store.db)).reentries).toBe(expected.size);
  }, 120_000);

  it('finishes a v0 table the storage was converting to its current format when the app stopped', async () => {
    // The v0 fixture is in the storage's format 1; the app of the time between format 2 and
    // document v1 converted each table when it opened it, in chunks. Killed after a chunk, the
    // v0 table is split over two tables (the copied rows and the legacy rest).
    const dir = folder();
    const file = join(dir, 'gate-ops.sqlite');
    writeFileSync(file, gunzipSync(readFileSync(join(FIXTURES, 'store-v0.sqlite.gz'))));
    const EXTRA = 6_000; // two conversion chunks (5,000 rows each)
    const extra = addV0CheckIns(file, EXTRA);
    const before = readV0(file);
    expect(before.docs.length).toBe(516 + EXTRA);

    await convertAndKill(dir, () => catalogOf(file).converted_up_to > 0);
    const midway = catalogOf(file);
    expect(midway.converting_from).toBe('checkins--v0--format1');
    expect(midway.converted_up_to).toBeLessThan(516 + EXTRA);

    const store = await open(dir);
    const docs = await allDocs(store);
    const local = localCheckIns(store.db);
    expect(docs.size).toBe(517 + EXTRA);
    expect(local.count()).toBe(517 + EXTRA);
    for (const old of extra) {
      const doc = docs.get(old.id);
      expect(doc, old.key).toBeDefined();
      expect(doc!.event).toEqual(withoutSequence(JSON.parse(old.raw) as Record<string, unknown>));
      expect(local.get([old.id]).get(old.id)).toMatchObject({
        seq: old.ingestSeq,
        receivedAt: old.receivedAt,
        relaySeq: old.sequence,
      });
    }
    const expected = reentriesByTime(docs.values());
    expect(local.reentryCount()).toBe(expected.size);
    await store.close();
    const sql = new DatabaseSync(file, { readOnly: true });
    try {
      const left = sql
        .prepare(
          "SELECT name FROM sqlite_master WHERE name LIKE 'checkins--v0%' OR name LIKE 'tickets--v0%'",
        )
        .all();
      expect(left).toEqual([]);
      expect(sql.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    } finally {
      sql.close();
    }
  }, 300_000);

  it('builds the same bytes for one event whatever the relay stamp, migrated or ingested', async () => {
    const text = (sequence: string) =>
      JSON.stringify({
        sequence,
        ...JSON.parse(readFileSync(join(FIXTURES, 'contract-example.json'), 'utf8')),
      });
    const a = classify(text('000000000001'));
    const b = classify(text('000000099999'));
    if (a.verdict !== 'checkin' || b.verdict !== 'checkin') throw new Error('not check-ins');
    const docA = checkInDoc(a.key, a.fields, a.event);
    const docB = checkInDoc(b.key, b.fields, b.event);
    expect(JSON.stringify(docA)).toBe(JSON.stringify(docB));

    // Two laptops: one migrated it from v0, the other ingested it.
    const migratedDir = folder();
    await buildStoreV0(migratedDir, 0, { extraDocs: [docV0(text('000000000042'), 1, 5, false)] });
    const migrated = await open(migratedDir);
    const [y] = (await migrated.db.checkins.find().exec()).map((d) => d.toJSON());
    await migrated.close();
    const ingested = await open(folder());
    const p = await IngestPipeline.open({ db: ingested.db, transaction: ingested.transaction });
    p.push(text('000000000007'));
    await p.flush();
    await p.close();
    const [x] = (await ingested.db.checkins.find().exec()).map((d) => d.toJSON());
    const strip = (d: Row) => {
      const { _rev, _meta, _deleted, _attachments, ...rest } = d;
      return JSON.stringify(rest);
    };
    expect(strip(x as Row)).toBe(strip(y as Row));
    expect(strip(x as Row)).toBe(JSON.stringify(docA));
  });
});

/** Adds `n` check-ins as v0 ingest stored them to a format-1 v0 file; returns their v0 documents. */
function addV0CheckIns(file: string, n: number): ReturnType<typeof docV0>[] {
  const sql = new DatabaseSync(file);
  try {
    const recorded = sql
      .prepare('SELECT json(data) AS data FROM "_rxdb_internal--v0" WHERE deleted = 0')
      .all()
      .map((r: Row) => JSON.parse(String(r['data'])))
      .find((d) => d.data.name === 'checkins' && d.data.schema.version === 0);
    const table = new LegacyCollectionTable(sql, 'checkins--v0', recorded.data.schema, 'id');
    const at = Date.UTC(2026, 4, 5, 18, 0, 0);
    const docs = Array.from({ length: n }, (_, i) =>
      docV0(JSON.stringify(eventV0(i, at + i * 250)), 1000 + i, at + i * 250 + 700, false),
    );
    sql.exec('BEGIN');
    for (const doc of docs) {
      table.insert({ ...doc, _deleted: false, _attachments: {}, _meta: { lwt: at }, _rev: '1-v0' });
    }
    sql.exec('COMMIT');
    return docs;
  } finally {
    sql.close();
  }
}

/** The storage catalog's row of the v0 check-ins table (zeros before a conversion began). */
function catalogOf(file: string): { converting_from: string | null; converted_up_to: number } {
  try {
    const sql = new DatabaseSync(file, { readOnly: true });
    try {
      const row = sql
        .prepare(
          "SELECT converting_from, converted_up_to FROM rx_storage_tables WHERE name = 'checkins--v0'",
        )
        .get() as Row | undefined;
      return {
        converting_from: (row?.['converting_from'] as string | null) ?? null,
        converted_up_to: Number(row?.['converted_up_to'] ?? 0),
      };
    } finally {
      sql.close();
    }
  } catch {
    return { converting_from: null, converted_up_to: 0 }; // no such columns yet, or busy
  }
}

/** Runs the v0 conversion child and SIGKILLs it as soon as `ready()` holds. */
async function convertAndKill(dir: string, ready: () => boolean): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../../../helpers/v0-convert-child.ts'), dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? (code === 0 ? null : 'SIGABRT'))),
  );
  let done = false;
  void exited.then(() => (done = true));
  // Polls the file the child writes (a signal from the data, not a fixed wait).
  while (!done && !ready()) await new Promise((resolve) => setTimeout(resolve, 5));
  if (done) throw new Error(`the conversion ended before it was killed: ${stderr}`);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}
