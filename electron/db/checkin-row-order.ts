/**
 * A whole export in (checkedInAt, id) order, read mostly in the table's own row order.
 *
 * Walking the check-in index costs a table lookup per row on top of reading it: at a million
 * rows about a quarter more than a plain scan of the table (issue 16). But our storage gives a
 * check-in the row id `floor(checkedInAt) × 1024 + k` (SLOTS in electron/storage/
 * collection-table.ts), so the table in row-id order is already in time order. The exceptions:
 * more than 1,024 check-ins in one millisecond (the rest take the next millisecond's ids),
 * rows written before row ids followed time, and equal times (in arrival order, not by id).
 *
 * So each page is a plain range scan by row id, checked in the same read transaction:
 *  - a row is "in its slot" when `floor(rowid / 1024)` is its SQL checkedInAt value; rows in
 *    their slots come in time order, so the page covers every millisecond from `next` up to
 *    the one before its last row's;
 *  - the page is taken only if the index counts exactly as many live check-ins in those
 *    milliseconds as the page holds in their slots (a count of index entries, no row read).
 *    Every row kept is one the index counts, so equal counts mean the same rows: none of
 *    those milliseconds has a row elsewhere in the table;
 *  - equal times are put in id order (the order SQLite compares text in).
 * A page that fails the check is read along the index instead, as before (timeOrderQuery),
 * for just those milliseconds; repeated failures read ever longer stretches along the index
 * before scanning again, so a table whose row ids never followed time costs about one wasted
 * page. Slower, never different: the result is the index walk's, row for row.
 */
import type { CheckInTable } from './checkin-table';
import {
  countInTimeRange,
  prepared,
  timeOrderQuery,
  type TimeFilter,
  type TimeKey,
} from './checkin-time-order';

/** Row ids per millisecond in a time-ordered collection of our storage. */
export const ROW_ID_SLOTS = 1024;
/** Milliseconds whose row ids are safe integers; a later time is read along the index. */
const TIME_CAP = Math.floor(Number.MAX_SAFE_INTEGER / ROW_ID_SLOTS);
/** Stretches read along the index after failed checks in a row: at most this many pages. */
const MAX_WALK_PAGES = 64;

/** How the pages of a read were found (tests look at it: the scan must be taken). */
export interface RowOrderCounts {
  /** Pages read by row id and checked. */
  scanned: number;
  /**
   * Stretches read along the index: after a failed check, or a whole read the scan cannot
   * serve (not counted: the final look for times past the row ids' range).
   */
  walked: number;
}

type Row = unknown[];

/**
 * `columns` (over c and checkin_local l) of the live check-ins in `filter`'s time range, in
 * (checkedInAt, id) order, about `pageSize` at a time; each row is followed by its
 * checkedInAt SQL value and id (and, from a scan, its row id). Filters on a field other than
 * time are read along their index.
 */
export function* rowsInTimeOrder(
  t: CheckInTable,
  columns: string,
  columnCount: number,
  filter: TimeFilter,
  pageSize: number,
  counts: RowOrderCounts = { scanned: 0, walked: 0 },
): Generator<Row[]> {
  const K1 = columnCount;
  const K2 = columnCount + 1;
  const ROWID = columnCount + 2;
  const time = t.column('checkedInAt');
  const from = filter.from ?? 0;
  const to = filter.to ?? TIME_CAP;
  let next = Math.max(0, Math.ceil(from));
  const end = Math.min(TIME_CAP, Math.ceil(to));

  /**
   * Along the index from `a` to `b`: everything before `minTo`, at least `maxRows`, then the
   * rest of the last row's millisecond; returns where it stopped (exclusive).
   */
  function* walk(a: number | undefined, b: number | undefined, maxRows: number, minTo = 0) {
    const range: { -readonly [K in keyof TimeFilter]: TimeFilter[K] } = {};
    if (filter.eventId !== undefined) range.eventId = filter.eventId;
    if (filter.gate !== undefined) range.gate = filter.gate;
    if (a !== undefined) range.from = a;
    if (b !== undefined) range.to = b;
    let after: TimeKey | undefined;
    let done = 0;
    for (;;) {
      const query = timeOrderQuery(t, 'records', columns, range, after, pageSize, true);
      if (query === null) throw new Error('the check-in table has no column for this filter');
      const page = query.all() as Row[];
      if (page.length > 0) yield page;
      done += page.length;
      if (page.length < pageSize) return range.to;
      const tail = page[page.length - 1]!;
      after = { t: tail[K1] as number, id: tail[K2] as string };
      // Enough: finish the last row's millisecond, then scan again after it.
      const stop = after.t + 1;
      if (done >= maxRows && stop >= minTo && (range.to === undefined || stop < range.to)) {
        range.to = stop;
      }
    }
  }

  if (
    time === null ||
    filter.eventId !== undefined ||
    filter.gate !== undefined ||
    !Number.isFinite(from) ||
    !Number.isFinite(to) ||
    next >= end ||
    (filter.from === undefined && hasUntimed(t, time))
  ) {
    counts.walked += 1;
    yield* walk(filter.from, filter.to, Infinity);
    return;
  }

  const scan = prepared(
    t,
    `rowOrder:${columns}`,
    () =>
      `SELECT ${columns}, c.${time}, c.id, c.rowid FROM ${t.table} c NOT INDEXED` +
      ' JOIN checkin_local l ON l.id = c.id' +
      ' WHERE c.rowid >= $lo AND c.rowid < $hi AND c.deleted = 0 AND c.irr IN (0, 1)' +
      ' ORDER BY c.rowid LIMIT $limit',
    true,
  );
  let failures = 0;
  while (next < end) {
    let last: number;
    let kept: Row[] | null = null;
    // One read transaction: the count sees exactly the rows the scan saw.
    const own = !t.sql.isTransaction;
    if (own) t.sql.exec('BEGIN');
    try {
      const rows = scan.all({
        lo: next * ROW_ID_SLOTS,
        hi: end * ROW_ID_SLOTS,
        limit: pageSize,
      }) as unknown as Row[];
      const full = rows.length === pageSize;
      // The last millisecond read whole: the one before the last row's slot (or the end).
      last = full
        ? Math.floor((rows[rows.length - 1]![ROWID] as number) / ROW_ID_SLOTS) - 1
        : end - 1;
      if (last < next) {
        // A page's worth of rows in one millisecond's slots: read it along the index.
        last = next;
      } else {
        kept = [];
        for (const row of rows) {
          const k1 = row[K1];
          if (
            typeof k1 === 'number' &&
            k1 <= last &&
            k1 === Math.floor((row[ROWID] as number) / ROW_ID_SLOTS)
          ) {
            kept.push(row);
          }
        }
        if (countInTimeRange(t, { from: next, to: last + 1 }) !== kept.length) kept = null;
      }
    } finally {
      if (own) t.sql.exec('COMMIT');
    }
    if (kept) {
      counts.scanned += 1;
      failures = 0;
      sortTies(kept, K1, K2);
      if (kept.length > 0) yield kept;
      next = last + 1;
      continue;
    }
    // The milliseconds the page covered along the index, and a stretch after them that
    // doubles with each failure in a row (a page's worth the first time).
    counts.walked += 1;
    failures += 1;
    const pages = Math.min(MAX_WALK_PAGES, 2 ** (failures - 1));
    next = (yield* walk(next, end, pages * pageSize, last + 1)) ?? end;
  }
  // Times past the row ids' range (none with the storage's clamp): along the index.
  if (filter.to === undefined) yield* walk(TIME_CAP, undefined, Infinity);
}

/** Live check-ins without a checkedInAt value: the index walk puts them first. */
function hasUntimed(t: CheckInTable, time: string): boolean {
  const s = prepared(
    t,
    'untimed',
    () =>
      `SELECT EXISTS (SELECT 1 FROM ${t.table} c WHERE c.irr = 0 AND c.deleted = 0 AND c.${time} IS NULL)` +
      ` OR EXISTS (SELECT 1 FROM ${t.table} c WHERE c.irr = 1 AND c.deleted = 0 AND c.${time} IS NULL) AS x`,
  );
  return Number(s.get()?.['x'] ?? 0) !== 0;
}

/** Rows in time order, equal times in arrival order → equal times in id order. */
function sortTies(rows: Row[], K1: number, K2: number): void {
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i < rows.length && rows[i]![K1] === rows[start]![K1]) continue;
    if (i - start > 1) {
      let sorted = true;
      for (let j = start + 1; j < i && sorted; j++) {
        sorted = compareText(rows[j - 1]![K2] as string, rows[j]![K2] as string) < 0;
      }
      if (!sorted) {
        const group = rows
          .slice(start, i)
          .sort((a, b) => compareText(a[K2] as string, b[K2] as string));
        for (let j = 0; j < group.length; j++) rows[start + j] = group[j]!;
      }
    }
    start = i;
  }
}

/**
 * Text in SQLite's order (BINARY: the bytes of its UTF-8, that is code point order). JavaScript
 * compares UTF-16 code units, which differs only between a surrogate (a code point above
 * U+FFFF) and U+E000–U+FFFF.
 */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return weight(x) - weight(y);
  }
  return a.length - b.length;
}

const weight = (unit: number): number =>
  unit < 0xd800 ? unit : unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
