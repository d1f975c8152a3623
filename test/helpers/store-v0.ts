/**
 * Stores in the format before the check-in document v1 (schema version 0 of `checkins`, with
 * the `tickets` collection), for the migration tests and benchmark: the v0 schemas as they were,
 * and a builder that writes v0 documents the way v0 ingest did (raw text with the relay stamp,
 * re-entry by arrival, a ticket document per first scan, the ingest state document).
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { createRxDatabase, type RxCollection, type RxJsonSchema } from 'rxdb';
import type { CheckInDocV0 } from '../../electron/db/migrations/checkins-v0';
import { checkInDocId } from '../../electron/db/ids';
import { fingerprint } from '../../shared/contract';
import { conflictsSchemaV0 } from '../../electron/db/migrations/conflicts-v0';
import { quarantineSchema } from '../../electron/db/collections/quarantine';
import { stateSchema } from '../../electron/db/collections/state';
import { getRxStorageNodeSqlite, runInStorageTransaction } from '../../electron/storage';

const MAX_TIME = 4_102_444_800_000; // 2100-01-01
const str = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const int = (maximum: number) => ({ type: 'integer', minimum: 0, maximum, multipleOf: 1 }) as const;

export const checkinsSchemaV0: RxJsonSchema<CheckInDocV0> = {
  title: 'check-ins',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: str(22),
    key: str(600),
    ingestSeq: int(1e15),
    checkInId: str(128),
    ticketId: str(128),
    eventId: str(128),
    productId: str(128),
    sessionId: str(128),
    deviceId: str(128),
    gate: str(128),
    attendeeName: str(1024),
    attendeeEmail: str(1024),
    nameLower: str(128),
    emailLower: str(128),
    checkedInAt: int(MAX_TIME),
    occurredAt: int(MAX_TIME),
    receivedAt: int(MAX_TIME),
    time: int(MAX_TIME),
    source: str(1024),
    ceId: str(128),
    sequence: str(128),
    schemaVersion: str(16),
    fingerprint: str(32),
    reentry: { type: 'boolean' },
    raw: { type: 'string' },
  },
  required: [
    'id',
    'key',
    'ingestSeq',
    'checkInId',
    'ticketId',
    'eventId',
    'productId',
    'sessionId',
    'deviceId',
    'gate',
    'nameLower',
    'emailLower',
    'checkedInAt',
    'occurredAt',
    'receivedAt',
    'source',
    'ceId',
    'schemaVersion',
    'fingerprint',
    'reentry',
    'raw',
  ],
  indexes: [
    'ingestSeq',
    'checkedInAt',
    'ticketId',
    'nameLower',
    'emailLower',
    ['gate', 'checkedInAt'],
    ['sessionId', 'checkedInAt'],
    ['deviceId', 'checkedInAt'],
    ['eventId', 'checkedInAt'],
  ],
};

interface TicketDocV0 {
  id: string;
  ticketId: string;
  firstCheckin: string;
  firstCheckedInAt: number;
}

export const ticketsSchemaV0: RxJsonSchema<TicketDocV0> = {
  title: 'tickets seen',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 22 },
    ticketId: { type: 'string', maxLength: 128 },
    firstCheckin: { type: 'string', maxLength: 22 },
    firstCheckedInAt: { type: 'integer', minimum: 0, maximum: 4_102_444_800_000, multipleOf: 1 },
  },
  required: ['id', 'ticketId', 'firstCheckin', 'firstCheckedInAt'],
};

/** The realistic event of check-in number `i` (about 850 bytes with the relay's stamp). */
export function eventV0(i: number, at: number): Record<string, unknown> {
  const id = `ci-v0-${i.toString(36).padStart(7, '0')}`;
  const ticket = `tkt-v0-${(i % 7 === 3 ? i - 2 : i).toString(36).padStart(6, '0')}`;
  const iso = new Date(at).toISOString();
  return {
    data: {
      attendee: { email: `guest.${i}@example.com`, name: `Guest Number ${i}` },
      check_in_id: id,
      checked_in_at: iso,
      device_id: `dev-${String(i % 150).padStart(3, '0')}`,
      event_id: 'ev-stadium-2026-05-05',
      event_product_id: ['ga-standing', 'ga-seated', 'vip-lounge', 'staff'][i % 4],
      event_type: 'ticketing.check_in.created',
      gate: `Gate ${String((i % 36) + 1).padStart(2, '0')}`,
      occurred_at: iso,
      scanner_session_id: `sess-${i % 150}-${Math.floor(i / 20_000)}`,
      schema_version: '1.0',
      ticket_id: ticket,
    },
    datacontenttype: 'application/json',
    dataschema: 'https://schemas.cope.com/events/ticketing.check_in.created/v1',
    id: `ticketing.check_in.created:${id}`,
    idempotency_key: `ticketing.check_in.created:${id}`,
    source: 'cope.ticketing',
    specversion: '1.0',
    subject: `check_in:${id}`,
    time: iso,
    type: 'ticketing.check_in.created',
    sequence: String(i + 1).padStart(12, '0'),
  };
}

/** The v0 document v0 ingest stored for an event text. */
export function docV0(
  text: string,
  ingestSeq: number,
  receivedAt: number,
  reentry: boolean,
): CheckInDocV0 {
  const e = JSON.parse(text) as Record<string, any>;
  const d = e['data'];
  const key = e['idempotency_key'] || JSON.stringify([e['source'], e['id']]);
  const doc: CheckInDocV0 = {
    id: checkInDocId(key),
    key,
    ingestSeq,
    checkInId: d.check_in_id,
    ticketId: d.ticket_id,
    eventId: d.event_id,
    productId: d.event_product_id,
    sessionId: d.scanner_session_id,
    deviceId: d.device_id ?? '',
    gate: d.gate ?? '',
    nameLower: (d.attendee.name ?? '').toLowerCase().slice(0, 128),
    emailLower: (d.attendee.email ?? '').toLowerCase().slice(0, 128),
    checkedInAt: Date.parse(d.checked_in_at),
    occurredAt: Date.parse(d.occurred_at),
    receivedAt,
    source: e['source'],
    ceId: e['id'],
    schemaVersion: d.schema_version,
    fingerprint: fingerprint(d),
    reentry,
    raw: text,
  };
  if (d.attendee.name !== undefined) doc.attendeeName = d.attendee.name;
  if (d.attendee.email !== undefined) doc.attendeeEmail = d.attendee.email;
  if (e['time'] !== undefined) doc.time = Date.parse(e['time']);
  if (e['sequence'] !== undefined) doc.sequence = e['sequence'];
  return doc;
}

/**
 * A v0 data folder (`<dir>/gate-ops.sqlite`) with `n` check-ins of realistic events, written in
 * v0's shape and transactions of `batch`. `onProgress` gets the number written so far.
 * `throughRxdb`: only the first that many go through RxDB and the storage; the rest are written
 * straight into the v0 tables as rows of the same shape (see writeRowsV0), for a big folder in
 * minutes instead of an hour.
 */
export async function buildStoreV0(
  dir: string,
  n: number,
  options: {
    batch?: number;
    extraDocs?: CheckInDocV0[];
    onProgress?: (done: number) => void;
    throughRxdb?: number;
  } = {},
): Promise<void> {
  const viaRxdb = Math.min(n, options.throughRxdb ?? n);
  const db = await createRxDatabase<{
    checkins: RxCollection<CheckInDocV0>;
    tickets: RxCollection<TicketDocV0>;
    state: RxCollection;
  }>({
    name: 'gate-ops',
    storage: getRxStorageNodeSqlite({ directory: dir }),
    multiInstance: false,
  });
  await db.addCollections({
    checkins: { schema: checkinsSchemaV0 },
    tickets: { schema: ticketsSchemaV0 },
    quarantine: { schema: quarantineSchema },
    conflicts: { schema: conflictsSchemaV0 },
    state: { schema: stateSchema },
  });
  const batch = options.batch ?? 2000;
  const T = Date.UTC(2026, 4, 5, 16, 0, 0);
  const seen = new Set<string>();
  let reentries = 0;
  for (let start = 0; start < viaRxdb; start += batch) {
    const docs: CheckInDocV0[] = [];
    const tickets: TicketDocV0[] = [];
    for (let i = start; i < Math.min(viaRxdb, start + batch); i++) {
      const at = T + i * 50;
      const doc = docV0(JSON.stringify(eventV0(i, at)), i + 1, at + 700, false);
      if (seen.has(doc.ticketId)) {
        doc.reentry = true;
        reentries += 1;
      } else {
        seen.add(doc.ticketId);
        tickets.push({
          id: checkInDocId(`ticket:${doc.ticketId}`),
          ticketId: doc.ticketId,
          firstCheckin: doc.id,
          firstCheckedInAt: doc.checkedInAt,
        });
      }
      docs.push(doc);
    }
    await runInStorageTransaction(db, async () => {
      await db.checkins.bulkInsert(docs);
      await db.tickets.bulkInsert(tickets);
    });
    options.onProgress?.(Math.min(viaRxdb, start + batch));
  }
  if (options.extraDocs?.length) await db.checkins.bulkInsert(options.extraDocs);
  const stored = n + (options.extraDocs?.length ?? 0);
  await db.state.insert({
    id: 'ingest',
    value: {
      version: 1,
      cursor: String(n).padStart(12, '0'),
      cursorTail: 0,
      cursorRelay: 'wss://relay.example/stream',
      ingestSeq: stored,
      stored,
      redelivered: 0,
      conflicts: 0,
      quarantined: 0,
      skipped: 0,
      reentries,
      lastReceivedAt: T + n * 50,
    },
    updatedAt: T + n * 50,
  });
  await db.close();
  if (viaRxdb < n) writeRowsV0(dir, viaRxdb, n, batch, options.onProgress);
}

/**
 * Check-ins `from`..`n - 1` (and their first-seen tickets) straight into the v0 tables of a
 * folder that buildStoreV0 started through RxDB: each row as the storage writes one (the
 * document's JSON in `data`, the indexed fields as the table's generated columns, a revision and
 * write time like the rows before it), then the `ingest` state doc's totals for all `n`. The
 * events are the same as through RxDB (eventV0/docV0); ticket i % 7 === 3 is always a re-entry
 * of ticket i - 2, whose own first scan came two check-ins earlier.
 */
function writeRowsV0(
  dir: string,
  from: number,
  n: number,
  batch: number,
  onProgress?: (done: number) => void,
): void {
  const sql = new DatabaseSync(join(dir, 'gate-ops.sqlite'));
  try {
    // The tables' own indexes are dropped while the rows go in and created again afterwards
    // (the same definitions, read back from the schema): one sort per index instead of a
    // million random B-tree inserts, each through json_extract of its generated column.
    sql.exec('PRAGMA synchronous = OFF; PRAGMA cache_size = -262144');
    const indexes = sql
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('checkins--v0', 'tickets--v0')`,
      )
      .all() as Array<{ name: string; sql: string }>;
    for (const { name } of indexes) sql.exec(`DROP INDEX "${name}"`);
    const last = sql
      .prepare(
        'SELECT lwt, rev, typeof(data) AS kind FROM "checkins--v0" ORDER BY rid DESC LIMIT 1',
      )
      .get() as { lwt: number; rev: string; kind: string };
    // The documents as the storage wrote the ones before: binary JSON (JSONB) or text.
    const data = last.kind === 'blob' ? 'jsonb(?)' : '?';
    const row = (table: string) =>
      sql.prepare(
        `INSERT INTO "${table}" (id, deleted, irr, lwt, rev, extra, data) VALUES (?, 0, 0, ?, ?, NULL, ${data})`,
      );
    const checkin = row('checkins--v0');
    const ticket = row('tickets--v0');
    const T = Date.UTC(2026, 4, 5, 16, 0, 0);
    let lwt = last.lwt;
    for (let start = from; start < n; start += batch) {
      sql.exec('BEGIN');
      for (let i = start; i < Math.min(n, start + batch); i++) {
        const at = T + i * 50;
        const reentry = i % 7 === 3;
        const doc = docV0(JSON.stringify(eventV0(i, at)), i + 1, at + 700, reentry);
        lwt += 0.01;
        checkin.run(doc.id, lwt, last.rev, JSON.stringify(doc));
        if (!reentry) {
          const t: TicketDocV0 = {
            id: checkInDocId(`ticket:${doc.ticketId}`),
            ticketId: doc.ticketId,
            firstCheckin: doc.id,
            firstCheckedInAt: doc.checkedInAt,
          };
          ticket.run(t.id, lwt, last.rev, JSON.stringify(t));
        }
      }
      sql.exec('COMMIT');
      onProgress?.(Math.min(n, start + batch));
    }
    // json(): the storage writes binary JSON (JSONB).
    const state = sql
      .prepare(`SELECT json(data) AS data FROM "state--v0" WHERE id = 'ingest'`)
      .get() as {
      data: string;
    };
    const doc = JSON.parse(state.data) as { value: Record<string, unknown>; updatedAt: number };
    const reentries = Array.from({ length: n }, (_, i) => i % 7 === 3).filter(Boolean).length;
    doc.value = {
      ...doc.value,
      cursor: String(n).padStart(12, '0'),
      ingestSeq: n,
      stored: n,
      reentries,
      lastReceivedAt: T + n * 50,
    };
    doc.updatedAt = T + n * 50;
    sql.prepare(`UPDATE "state--v0" SET data = ? WHERE id = 'ingest'`).run(JSON.stringify(doc));
    for (const index of indexes) sql.exec(index.sql);
  } finally {
    sql.close();
  }
}
