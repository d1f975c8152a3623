/**
 * Check-in rows (document fields + this laptop's facts, the shape views and the activity model
 * use) read in arrival order or by id. On our SQLite storage one SQL join reads just the fields
 * a row needs, without parsing whole documents in JavaScript; elsewhere (tests on RxDB's memory
 * storage) documents are read through the storage instance.
 */
import type { RxCollection } from 'rxdb';
import type { CheckInRow } from '../../shared/api/channels/checkins';
import { parseRfc3339 } from '../../shared/contract';
import { checkInTable, type CheckInTable } from './checkin-table';
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

const statements = new WeakMap<object, Map<string, ReturnType<CheckInTable['sql']['prepare']>>>();

function prepared(t: CheckInTable, name: string, sql: () => string) {
  let byName = statements.get(t.sql);
  if (!byName) statements.set(t.sql, (byName = new Map()));
  const key = `${t.table}:${name}`;
  let s = byName.get(key);
  if (!s) {
    s = t.sql.prepare(sql());
    s.setReadBigInts(false);
    byName.set(key, s);
  }
  return s;
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

/** Where a time-ordered read stands: the last row's (checkedInAt, id). */
export interface TimeKey {
  readonly t: number;
  readonly id: string;
}

/** What a time-ordered read keeps: equalities on indexed fields, a checkedInAt range. */
export interface TimeFilter {
  readonly eventId?: string;
  readonly gate?: string;
  /** Inclusive, UTC ms. */
  readonly from?: number;
  /** Exclusive, UTC ms. */
  readonly to?: number;
}

/**
 * The next `limit` rows after `after` (and where they end) in (checkedInAt, id) order, read in SQL along the
 * storage's index on (field?, checkedInAt, id): only the columns a row needs, no document
 * parsed in JavaScript. Regular documents (irr = 0) and irregular ones (irr = 1: some indexed
 * value the storage keeps exact keys for) lie in two ranges of that index; SQLite merges the
 * two ordered walks (UNION ALL … ORDER BY), no sort. For the export order the plain SQL values
 * order exactly as RxDB would (a valid checkedInAt is an integer in range; ids are base64url).
 * Null when the storage does not expose the columns (other storages, a legacy table).
 */
export function rowsInTimeOrder(
  checkins: Checkins,
  filter: TimeFilter,
  after: TimeKey | undefined,
  limit: number,
): { rows: CheckInRow[]; last: TimeKey | undefined } | null {
  const t = checkInTable(checkins);
  const time = t?.column('checkedInAt');
  if (!t || !time) return null;
  const where: string[] = ['c.deleted = 0'];
  const params: Record<string, string | number> = { limit };
  for (const field of ['eventId', 'gate'] as const) {
    const value = filter[field];
    if (value === undefined) continue;
    const column = t.column(field);
    if (column === null) return null;
    where.push(`c.${column} = $${field}`);
    params[field] = value;
  }
  if (filter.from !== undefined) {
    where.push(`c.${time} >= $from`);
    params['from'] = filter.from;
  }
  if (filter.to !== undefined) {
    where.push(`c.${time} < $to`);
    params['to'] = filter.to;
  }
  if (after) {
    where.push(`(c.${time}, c.id) > ($t, $id)`);
    params['t'] = after.t;
    params['id'] = after.id;
  }
  const name = `time:${Object.keys(params).sort().join(',')}`;
  const arm = (irr: number) =>
    `SELECT c.${time} AS k1, c.id AS k2, ${ROW_COLUMNS} FROM ${t.table} c` +
    ` JOIN checkin_local l ON l.id = c.id WHERE c.irr = ${irr} AND ${where.join(' AND ')}`;
  const s = prepared(
    t,
    name,
    () => `SELECT * FROM (${arm(0)} UNION ALL ${arm(1)}) ORDER BY k1, k2 LIMIT $limit`,
  );
  const found = s.all(params) as SqlRow[];
  const tail = found[found.length - 1];
  // The page's end in the index's own values (what the next page continues from).
  const last = tail ? { t: Number(tail['k1']), id: String(tail['k2']) } : undefined;
  return { rows: found.map(fromSql), last };
}
