/**
 * Migration of `checkins` from schema v0 to v1 (the check-in document v1), on our SQLite
 * storage. RxDB's own migration (a push replication from the old storage instance, with a
 * metadata document per migrated document) is too slow and too big at a million check-ins, so
 * this runs first, before `addCollections`, and moves every document itself:
 *
 * - in batches, each one transaction: the v1 documents, their local facts (arrival number,
 *   received time, relay sequence; re-entry decided again, by check-in time) and the position
 *   reached, so a crash (SIGKILL) at any point resumes after the last committed batch;
 * - every stored event classified again with today's contract: the dedupe key is recomputed
 *   with `dedupeKey()` (decision 2), and one that no longer passes goes to quarantine with its
 *   text and reasons instead of being dropped;
 * - conflicts whose event now has a key of its own (a key that only collided under the old
 *   rule) become the check-ins they are;
 * - at the end the old tables go; RxDB's migration then finds an empty v0 and only removes its
 *   metadata (`migrationStrategies[1]`, below, is what it would apply to a document).
 *
 * `finishCheckinsV1` (after `addCollections`) brings the ingest counters in line and drops the
 * activity snapshot, whose re-entry counts were by arrival order.
 */
import type { DatabaseSync } from 'node:sqlite';
import {
  createRevision,
  createRxSchema,
  getAllCollectionDocuments,
  normalizeMangoQuery,
  prepareQuery,
  type HashFunction,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorageInstance,
} from 'rxdb';
import { classify, withoutSequence, type RejectedVerdict } from '../../../shared/contract';
import { runInStorageTransaction } from '../../storage';
import { checkInDoc } from '../checkin-document';
import { checkinsSchema, type CheckInDoc } from '../collections/checkins';
import { conflictsSchemaV0, type ConflictDocV0 } from './conflicts-v0';
import { quarantineSchema, type QuarantineDoc } from '../collections/quarantine';
import { ACTIVITY_SNAPSHOT_ID } from '../collections/state';
import { checkInDocId, seqId } from '../ids';
import type { LocalCheckIns, LocalFacts } from '../local-checkins';
import type { CheckInDocV0 } from './checkins-v0';
import type { GateOpsDatabase as GateOpsDatabaseLike } from '../database-types';
import { INGEST_STATE_ID, parseTotals } from '../ingest-totals';
import { MIGRATION_NAME, PROGRESS_TABLE, tableExists, V0_TABLE } from './checkins-v1-pending';

const CONFLICTS_TABLE = 'conflicts--v0';
const NAME = MIGRATION_NAME;
const BATCH = 2000;

export interface MigrationProgress {
  readonly done: number;
  readonly total: number;
}

export interface MigrateOptions {
  readonly batchSize?: number;
  readonly onProgress?: (progress: MigrationProgress) => void;
}

type Row = Record<string, unknown>;
/** What the move needs of the database: its storage, name and token (collections not added yet). */
type Db = Readonly<{
  storage: RxStorageLike;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  internalStore: RxStorageInstance<any, any, any>;
  name: string;
  token: string;
  hashFunction: HashFunction;
}>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RxStorageLike = { createStorageInstance(params: any): Promise<any> };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Instance = RxStorageInstance<any, any, any>;

function progressRow(sql: DatabaseSync): Row | undefined {
  sql.exec(
    `CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (name TEXT PRIMARY KEY, last_rowid INTEGER NOT NULL,` +
      ' quarantined INTEGER NOT NULL, resolved INTEGER NOT NULL, state TEXT NOT NULL)',
  );
  return sql.prepare(`SELECT * FROM ${PROGRESS_TABLE} WHERE name = ?`).get(NAME) as Row | undefined;
}

export { needsCheckinsV1, V0_TABLE } from './checkins-v1-pending';

/** Moves every v0 check-in into v1 (see the header). Resumes where a killed run stopped. */
export async function migrateCheckinsToV1(
  db: Db,
  sql: DatabaseSync,
  local: LocalCheckIns,
  options: MigrateOptions = {},
): Promise<void> {
  if (!tableExists(sql, V0_TABLE)) return;
  if (progressRow(sql) === undefined) {
    sql.prepare(`INSERT INTO ${PROGRESS_TABLE} VALUES (?, 0, 0, 0, 'moving')`).run(NAME);
  }
  if (progressRow(sql)!['state'] === 'moved') return;
  // A v0 table the storage was converting to its current file format when the app stopped is
  // split over two tables: the storage finishes that first (its own resumable code).
  if (catalogEntry(sql, V0_TABLE)?.convertingFrom)
    await (await v0Instance(db, 'checkins'))?.close();
  const batchSize = options.batchSize ?? BATCH;
  const checkins = await instance(db, 'checkins', checkinsSchema as never);
  const quarantine = await instance(db, 'quarantine', quarantineSchema as never);
  const conflicts = tableExists(sql, CONFLICTS_TABLE)
    ? await instance(db, 'conflicts', conflictsSchemaV0 as never)
    : null;
  try {
    const total = Number(
      (sql.prepare(`SELECT count(*) AS n FROM "${V0_TABLE}" WHERE deleted = 0`).get() as Row)['n'],
    );
    const read = sql.prepare(
      `SELECT rowid AS r, json(data) AS data FROM "${V0_TABLE}" WHERE rowid > ? AND deleted = 0 ORDER BY rowid LIMIT ?`,
    );
    read.setReadBigInts(false);
    const moved = sql.prepare(
      `SELECT count(*) AS n FROM "${V0_TABLE}" WHERE rowid <= ? AND deleted = 0`,
    );
    let after = Number(progressRow(sql)!['last_rowid']);
    let done = after > 0 ? Number((moved.get(after) as Row)['n']) : 0;
    options.onProgress?.({ done, total });
    for (;;) {
      const rows = read.all(after, batchSize) as Row[];
      if (rows.length === 0) break;
      const last = Number(rows[rows.length - 1]!['r']);
      const olds = rows.map((r) => JSON.parse(String(r['data'])) as CheckInDocV0);
      await runInStorageTransaction(checkins, async () => {
        const q = await moveBatch(db, checkins, quarantine, local, olds);
        sql
          .prepare(
            `UPDATE ${PROGRESS_TABLE} SET last_rowid = ?, quarantined = quarantined + ? WHERE name = ?`,
          )
          .run(last, q, NAME);
      });
      after = last;
      done += rows.length;
      options.onProgress?.({ done, total });
    }
    await runInStorageTransaction(checkins, async () => {
      const resolved = conflicts ? await resolveConflicts(db, checkins, conflicts, local) : 0;
      // Flips recorded while re-deciding re-entries describe no change anyone saw.
      sql.exec('DELETE FROM checkin_flips');
      await removeV0Table(db, sql, 'checkins');
      await removeV0Table(db, sql, 'tickets');
      sql
        .prepare(`UPDATE ${PROGRESS_TABLE} SET resolved = ?, state = 'moved' WHERE name = ?`)
        .run(resolved, NAME);
    });
  } finally {
    await checkins.close();
    await quarantine.close();
    await conflicts?.close();
  }
}

type CatalogRow = { format: number; convertingFrom: string | null };

/** The storage's catalog entry of a table (format 1: the layout before issue 16). */
function catalogEntry(sql: DatabaseSync, table: string): CatalogRow | undefined {
  const columns = new Set(
    sql
      .prepare("SELECT name FROM pragma_table_info('rx_storage_tables')")
      .all()
      .map((r) => r['name']),
  );
  if (columns.size === 0) return undefined;
  const row = sql
    .prepare(
      `SELECT ${columns.has('format') ? 'format' : '1 AS format'},` +
        ` ${columns.has('converting_from') ? 'converting_from' : 'NULL AS converting_from'}` +
        ' FROM rx_storage_tables WHERE name = ?',
    )
    .get(table) as Row | undefined;
  if (!row) return undefined;
  return {
    format: Number(row['format']),
    convertingFrom: (row['converting_from'] as string | null) ?? null,
  };
}

/** A storage instance of `<collection>--v0` at the schema RxDB recorded for it, if any. */
async function v0Instance(db: Db, collectionName: string): Promise<Instance | null> {
  const recorded = (await getAllCollectionDocuments(db.internalStore)).find(
    (d) => !d._deleted && d.data.name === collectionName && d.data.schema.version === 0,
  );
  if (!recorded) return null;
  return db.storage.createStorageInstance({
    databaseName: db.name,
    collectionName,
    databaseInstanceToken: db.token,
    multiInstance: false,
    options: {},
    schema: recorded.data.schema,
    devMode: false,
  });
}

/**
 * Removes a v0 table. Its layout belongs to the storage (a current-format table has side tables
 * of its own), so the storage removes it; a table still in the old format is one plain table,
 * dropped directly (opening it through the storage would first convert it, for nothing).
 */
async function removeV0Table(db: Db, sql: DatabaseSync, collectionName: string): Promise<void> {
  const table = `${collectionName}--v0`;
  const entry = catalogEntry(sql, table);
  if (entry && (entry.format !== 1 || entry.convertingFrom !== null)) {
    const instance = await v0Instance(db, collectionName);
    if (instance) {
      await instance.remove();
      return;
    }
  }
  sql.exec(`DROP TABLE IF EXISTS "${table}"`);
  if (entry) sql.prepare('DELETE FROM rx_storage_tables WHERE name = ?').run(table);
}

/** A storage instance of one collection at the schema RxDB would open it with. */
async function instance(
  db: Db,
  collectionName: string,
  schema: RxJsonSchema<never>,
): Promise<Instance> {
  return db.storage.createStorageInstance({
    databaseName: db.name,
    collectionName,
    databaseInstanceToken: db.token,
    multiInstance: false,
    options: {},
    schema: createRxSchema(schema, db.hashFunction).jsonSchema,
    devMode: false,
  });
}

function stamped<T>(db: Db, doc: T, lwt: number): RxDocumentData<T> {
  return {
    ...doc,
    _deleted: false,
    _attachments: {},
    _meta: { lwt },
    _rev: createRevision(db.token),
  } as RxDocumentData<T>;
}

async function write(instance: Instance, rows: Array<{ document: unknown; previous?: unknown }>) {
  if (rows.length === 0) return;
  const result = await instance.bulkWrite(rows as never, 'gate-ops-migration-v1');
  if (result.error.length > 0) {
    const first = result.error[0]!;
    throw new Error(`migration: storing ${first.documentId} failed (status ${first.status})`);
  }
}

/** One batch of v0 documents: v1 documents and local facts, or quarantine. Returns quarantined. */
async function moveBatch(
  db: Db,
  checkins: Instance,
  quarantine: Instance,
  local: LocalCheckIns,
  olds: ReadonlyArray<CheckInDocV0 & { _meta?: { lwt?: number } }>,
): Promise<number> {
  const docs: CheckInDoc[] = [];
  const facts: LocalFacts[] = [];
  const lwts: number[] = [];
  const held: QuarantineDoc[] = [];
  const ids = new Set<string>();
  for (const old of olds) {
    const v = classify(old.raw);
    if (v.verdict !== 'checkin') {
      held.push(quarantined(old, v.verdict === 'rejected' ? v : null));
      continue;
    }
    const doc = checkInDoc(v.key, v.fields, v.event);
    // Keys only ever got longer (decision 2), so two v0 keys never meet in v1; be sure anyway.
    if (ids.has(doc.id) || local.get([doc.id]).size > 0) continue;
    ids.add(doc.id);
    docs.push(doc);
    facts.push({
      seq: old.ingestSeq,
      receivedAt: old.receivedAt,
      relaySeq: old.sequence ?? null,
      origin: 'relay',
    });
    lwts.push(old._meta?.lwt ?? old.receivedAt);
  }
  local.record(docs, (_doc, i) => facts[i]!);
  await write(
    checkins,
    docs.map((doc, i) => ({ document: stamped(db, doc, lwts[i]!) })),
  );
  await write(
    quarantine,
    held.map((doc) => ({ document: stamped(db, doc, doc.receivedAt) })),
  );
  return held.length;
}

function quarantined(old: CheckInDocV0, v: RejectedVerdict | null): QuarantineDoc {
  const reasons: QuarantineDoc['reasons'] = (v?.reasons ?? []).map((r) => ({
    code: r.code,
    path: r.path,
    message: r.message,
  }));
  reasons.unshift({
    code: 'stored_before',
    path: '$',
    message: "stored as a check-in by an earlier version; today's contract does not accept it",
  });
  const doc: QuarantineDoc = {
    id: seqId('q', old.ingestSeq),
    ingestSeq: old.ingestSeq,
    receivedAt: old.receivedAt,
    key: old.key,
    code: (v?.reasons[0]?.code ?? 'stored_before').slice(0, 64),
    reasons,
    text: old.raw,
    size: Buffer.byteLength(old.raw),
    truncated: false,
  };
  if (old.sequence !== undefined) doc.sequence = old.sequence;
  return doc;
}

/**
 * Conflicts recorded only because two keys collided under the old rule (an idempotency key
 * spelled like another event's pair key) are check-ins of their own under the new one.
 */
async function resolveConflicts(
  db: Db,
  checkins: Instance,
  conflicts: Instance,
  local: LocalCheckIns,
): Promise<number> {
  // Through the storage: the file format decides what a row's columns hold (the revision, for
  // one, is a column of its own in format 2, not part of the JSON).
  const schema = createRxSchema(conflictsSchemaV0 as never, db.hashFunction).jsonSchema;
  const all = await conflicts.query(
    prepareQuery(schema, normalizeMangoQuery(schema, { selector: { _deleted: { $eq: false } } })),
  );
  let resolved = 0;
  for (const conflict of all.documents as RxDocumentData<ConflictDocV0>[]) {
    const v = classify(conflict.text);
    if (v.verdict !== 'checkin') continue;
    const id = checkInDocId(v.key);
    if (id === conflict.checkinId || local.get([id]).size > 0) continue;
    const doc = checkInDoc(v.key, v.fields, v.event);
    local.record([doc], () => ({
      seq: conflict.ingestSeq,
      receivedAt: conflict.receivedAt,
      relaySeq: conflict.sequence ?? null,
      origin: 'relay',
    }));
    await write(checkins, [{ document: stamped(db, doc, conflict.receivedAt) }]);
    await write(conflicts, [
      {
        previous: conflict,
        document: {
          ...conflict,
          _deleted: true,
          _meta: { lwt: Date.now() },
          _rev: createRevision(db.token, conflict),
        },
      },
    ]);
    resolved += 1;
  }
  return resolved;
}

/**
 * What RxDB applies to a v0 document when it migrates one itself (storages other than ours).
 * Local facts cannot come along on that path; the documents get them when the app starts.
 */
export function migrateCheckInV0(old: CheckInDocV0): CheckInDoc {
  const v = classify(old.raw);
  if (v.verdict === 'checkin') return checkInDoc(v.key, v.fields, v.event);
  let event: Record<string, unknown> = { raw: old.raw };
  try {
    const parsed: unknown = JSON.parse(old.raw);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      event = withoutSequence(parsed as Record<string, unknown>);
    }
  } catch {
    // not JSON: kept as text under `raw`
  }
  return {
    id: old.id,
    ticketId: old.ticketId,
    checkedInAt: old.checkedInAt,
    gate: old.gate,
    deviceId: old.deviceId,
    sessionId: old.sessionId,
    eventId: old.eventId,
    nameLower: old.nameLower,
    emailLower: old.emailLower,
    fingerprint: old.fingerprint,
    event,
  };
}

/**
 * After `addCollections`: the ingest counters from what the store now holds (re-entries by
 * check-in time; quarantined and conflicts as the move changed them), and no activity snapshot
 * (its re-entry counts were by arrival; the model is rebuilt once). Idempotent.
 */
export async function finishCheckinsV1(
  db: GateOpsDatabaseLike,
  sql: DatabaseSync,
  local: LocalCheckIns,
): Promise<void> {
  const row = tableExists(sql, PROGRESS_TABLE) ? progressRow(sql) : undefined;
  if (row?.['state'] !== 'moved') return;
  await runInStorageTransaction(db, async () => {
    const state = await db.state.findOne(INGEST_STATE_ID).exec();
    if (state) {
      const totals = parseTotals(state.toJSON().value);
      await state.incrementalPatch({
        value: {
          ...state.toJSON().value,
          stored: local.count(),
          reentries: local.reentryCount(),
          quarantined: totals.quarantined + Number(row['quarantined']),
          conflicts: Math.max(0, totals.conflicts - Number(row['resolved'])),
        },
        updatedAt: Date.now(),
      });
    }
    await (await db.state.findOne(ACTIVITY_SNAPSHOT_ID).exec())?.remove();
    sql.prepare(`UPDATE ${PROGRESS_TABLE} SET state = 'done' WHERE name = ?`).run(NAME);
  });
}
