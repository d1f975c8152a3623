/**
 * Time-ordered reads of the check-in table in SQL, along the storage's index on
 * (field?, checkedInAt, id): the WHERE of a range, keyset pages, counts. Prepared statements
 * are cached per connection. Used by the check-in rows (checkin-rows.ts) and the report
 * records (report-records.ts); imports nothing of RxDB, so a reader of the file alone loads
 * only this.
 */
import type { CheckInTable } from './checkin-table';

const statements = new WeakMap<object, Map<string, ReturnType<CheckInTable['sql']['prepare']>>>();

export function prepared(t: CheckInTable, name: string, sql: () => string, arrays = false) {
  let byName = statements.get(t.sql);
  if (!byName) statements.set(t.sql, (byName = new Map()));
  const key = `${t.table}:${arrays ? 'a' : 'o'}:${name}`;
  let s = byName.get(key);
  if (!s) {
    s = t.sql.prepare(sql());
    s.setReadBigInts(false);
    if (arrays) s.setReturnArrays(true);
    byName.set(key, s);
  }
  return s;
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
 * The WHERE of a time-ordered read over `checkins` c (live documents; equalities on indexed
 * fields, a checkedInAt range, after a keyset position), its parameters and a statement-cache
 * key; null when the storage does not expose a column it needs (other storages, a legacy table).
 */
export function timeFilterSql(
  t: CheckInTable,
  filter: TimeFilter,
  after: TimeKey | undefined,
): { time: string; where: string[]; params: Record<string, string | number>; key: string } | null {
  const time = t.column('checkedInAt');
  if (!time) return null;
  const where: string[] = ['c.deleted = 0'];
  const params: Record<string, string | number> = {};
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
  return { time, where, params, key: Object.keys(params).sort().join(',') };
}

/**
 * `columns` (over c and checkin_local l) of the next `limit` check-ins after `after` in
 * (checkedInAt, id) order, each followed by its index position (k1, k2), read in SQL along the
 * storage's index on (field?, checkedInAt, id). Regular documents (irr = 0) and irregular ones
 * (irr = 1: some indexed value the storage keeps exact keys for) lie in two ranges of that
 * index; SQLite merges the two ordered walks (UNION ALL … ORDER BY), no sort. For this order
 * the plain SQL values order exactly as RxDB would (a valid checkedInAt is an integer in range;
 * ids are base64url). `arrays`: rows as arrays (in column order) instead of objects.
 */
export function timeOrderQuery(
  t: CheckInTable,
  name: string,
  columns: string,
  filter: TimeFilter,
  after: TimeKey | undefined,
  limit: number,
  arrays = false,
): { all(): unknown[] } | null {
  const f = timeFilterSql(t, filter, after);
  if (!f) return null;
  const arm = (irr: number) =>
    `SELECT ${columns}, c.${f.time} AS k1, c.id AS k2 FROM ${t.table} c` +
    ` JOIN checkin_local l ON l.id = c.id WHERE c.irr = ${irr} AND ${f.where.join(' AND ')}`;
  const s = prepared(
    t,
    `${name}:${f.key}`,
    () => `SELECT * FROM (${arm(0)} UNION ALL ${arm(1)}) ORDER BY k1, k2 LIMIT $limit`,
    arrays,
  );
  const params = { ...f.params, limit };
  return { all: () => s.all(params) };
}

/** Live documents in the range (both parts of the index), without reading them. */
export function countInTimeRange(t: CheckInTable, filter: TimeFilter): number | null {
  const f = timeFilterSql(t, filter, undefined);
  if (!f) return null;
  const count = (irr: number) =>
    `SELECT count(*) FROM ${t.table} c WHERE c.irr = ${irr} AND ${f.where.join(' AND ')}`;
  const s = prepared(t, `count:${f.key}`, () => `SELECT (${count(0)}) + (${count(1)}) AS n`);
  return Number(s.get(f.params)?.['n'] ?? 0);
}
