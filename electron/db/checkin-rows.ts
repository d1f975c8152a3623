/**
 * Check-in rows (document fields + this laptop's facts, the shape views and the activity model
 * use) read in arrival order or by id. On our SQLite storage one SQL join reads just the fields
 * a row needs, without parsing whole documents in JavaScript; elsewhere (tests on RxDB's memory
 * storage) documents are read through the storage instance.
 */
import type { RxCollection } from 'rxdb';
import type { CheckInRow } from '../../shared/api/channels/checkins';
import { parseRfc3339 } from '../../shared/contract';
import { checkInTable } from './checkin-table';
import { prepared, timeOrderQuery, type TimeFilter, type TimeKey } from './checkin-time-order';

export type { TimeFilter, TimeKey } from './checkin-time-order';
import type { CheckInDoc } from './collections/checkins';
import { checkInRow, type LocalCheckIns, type LocalRow } from './local-checkins';

type Checkins = Pick<RxCollection<CheckInDoc>, 'storageInstance'>;
type SqlRow = Record<string, unknown>;

const ROW_COLUMNS = `l.seq AS seq, l.id AS id, l.received_at AS receivedAt, l.reentry AS reentry,
  c.data ->> '$.ticketId' AS ticketId, c.data ->> '$.checkedInAt' AS checkedInAt,
  c.data ->> '$.gate' AS gate, c.data ->> '$.deviceId' AS deviceId,
  c.data ->> '$.sessionId' AS sessionId, c.data ->> '$.eventId' AS eventId,
  c.data ->> '$.event.data.check_in_id' AS checkInId,
  c.data ->> '$.event.data.event_product_id' AS productId,
  c.data ->> '$.event.data.occurred_at' AS occurredAt,
  c.data ->> '$.event.time' AS time,
  c.data ->> '$.event.data.attendee.name' AS attendeeName,
  c.data ->> '$.event.data.attendee.email' AS attendeeEmail`;

export function fromSql(r: SqlRow): CheckInRow {
  const row: CheckInRow = {
    id: String(r['id']),
    ingestSeq: Number(r['seq']),
    ticketId: String(r['ticketId']),
    checkInId: String(r['checkInId']),
    gate: String(r['gate']),
    deviceId: String(r['deviceId']),
    sessionId: String(r['sessionId']),
    productId: String(r['productId']),
    eventId: String(r['eventId']),
    checkedInAt: Number(r['checkedInAt']),
    occurredAt: parseRfc3339(String(r['occurredAt'])) ?? 0,
    receivedAt: Number(r['receivedAt']),
    reentry: r['reentry'] === 1,
  };
  // ->> gives SQL NULL for an absent field; a JSON string is never NULL.
  if (typeof r['attendeeName'] === 'string') row.attendeeName = r['attendeeName'];
  if (typeof r['attendeeEmail'] === 'string') row.attendeeEmail = r['attendeeEmail'];
  const time = typeof r['time'] === 'string' ? parseRfc3339(r['time']) : null;
  if (time !== null) row.time = time;
  return row;
}

/** Rows with an arrival number above `afterSeq`, in arrival order, at most `limit`. */
export async function rowsAfterSeq(
  checkins: Checkins,
  local: LocalCheckIns,
  afterSeq: number,
  limit: number,
): Promise<CheckInRow[]> {
  const t = checkInTable(checkins);
  if (t) {
    const s = prepared(
      t,
      'after',
      () =>
        `SELECT ${ROW_COLUMNS} FROM checkin_local l JOIN ${t.table} c ON c.id = l.id` +
        ' WHERE l.seq > ? AND c.deleted = 0 ORDER BY l.seq LIMIT ?',
    );
    return (s.all(afterSeq, limit) as SqlRow[]).map(fromSql);
  }
  return withDocs(checkins, local.rowsAfter(afterSeq, limit));
}

/** Rows of the given check-ins, by id (those stored). */
export async function rowsByIds(
  checkins: Checkins,
  local: LocalCheckIns,
  ids: readonly string[],
): Promise<Map<string, CheckInRow>> {
  const out = new Map<string, CheckInRow>();
  if (ids.length === 0) return out;
  const t = checkInTable(checkins);
  if (t) {
    const s = prepared(
      t,
      'ids',
      () =>
        `SELECT ${ROW_COLUMNS} FROM checkin_local l JOIN ${t.table} c ON c.id = l.id` +
        ' WHERE l.id IN (SELECT value FROM json_each(?)) AND c.deleted = 0',
    );
    for (const r of s.all(JSON.stringify(ids)) as SqlRow[]) out.set(String(r['id']), fromSql(r));
    return out;
  }
  for (const row of await withDocs(checkins, [...local.get(ids).values()])) out.set(row.id, row);
  return out;
}

/** Rows of documents read by a query, in the same order (documents without local facts left out). */
export function rowsOfDocs(
  local: LocalCheckIns,
  docs: ReadonlyArray<Readonly<CheckInDoc>>,
): CheckInRow[] {
  const facts = local.get(docs.map((d) => d.id));
  const rows: CheckInRow[] = [];
  for (const doc of docs) {
    const l = facts.get(doc.id);
    if (l) rows.push(checkInRow(doc, l));
  }
  return rows;
}

async function withDocs(checkins: Checkins, locals: readonly LocalRow[]): Promise<CheckInRow[]> {
  if (locals.length === 0) return [];
  const docs = await checkins.storageInstance.findDocumentsById(
    locals.map((l) => l.id),
    false,
  );
  const byId = new Map(docs.map((d) => [d.id, d]));
  const rows: CheckInRow[] = [];
  for (const l of locals) {
    const doc = byId.get(l.id);
    if (doc) rows.push(checkInRow(doc, l));
  }
  return rows;
}

/**
 * The next `limit` rows after `after` (and where they end) in (checkedInAt, id) order (see
 * timeOrderQuery). Null when the storage does not expose the columns.
 */
export function rowsInTimeOrder(
  checkins: Checkins,
  filter: TimeFilter,
  after: TimeKey | undefined,
  limit: number,
): { rows: CheckInRow[]; last: TimeKey | undefined } | null {
  const t = checkInTable(checkins);
  const query = t && timeOrderQuery(t, 'time', ROW_COLUMNS, filter, after, limit);
  if (!query) return null;
  const found = query.all() as SqlRow[];
  const tail = found[found.length - 1];
  // The page's end in the index's own values (what the next page continues from).
  const last = tail ? { t: Number(tail['k1']), id: String(tail['k2']) } : undefined;
  return { rows: found.map(fromSql), last };
}
