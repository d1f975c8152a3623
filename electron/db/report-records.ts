/**
 * Check-ins as reports read them (CSV, XLSX, PDF; CLI and UI): one array per check-in holding
 * only the report's fields, in a fixed order, as SQLite returns them (`setReturnArrays`), read
 * in (checkedInAt, id) order in keyset pages along the storage's index. No document is parsed
 * in JavaScript and no row object is built: at a million rows the per-row JavaScript is most of
 * what an export costs above a plain select (issue 16).
 *
 * Two sources give the same records:
 *  - a check-in table seen through SQL (`CheckInTable`): the app's store (its storage
 *    connection) or a read-only connection on the file (`readerCheckInTable`, `gate-ops export`
 *    next to a running app, no RxDB);
 *  - any other RxDB storage (tests on RxDB's memory storage): documents through the storage,
 *    turned into the same arrays.
 */
import type { CheckInRow } from '../../shared/api/channels/checkins';
import type { CheckInRange } from './checkin-pages';
import { rowsInTimeOrder, type RowOrderCounts } from './checkin-row-order';
import { countInTimeRange } from './checkin-time-order';
import type { CheckInTable } from './checkin-table';

/**
 * One check-in of a report. `occurredAt` is the event's RFC 3339 text as stored (a number of
 * UTC ms from the document path); `reentry` 1 or 0 (or a boolean from the document path).
 * The last two fields are the record's place in the index (checkedInAt's SQL value, id).
 */
export type ReportRecord = readonly [
  checkInId: string,
  ticketId: string,
  eventId: string,
  productId: string,
  attendeeName: string | null,
  attendeeEmail: string | null,
  gate: string,
  deviceId: string,
  sessionId: string,
  checkedInAt: number,
  occurredAt: string | number,
  receivedAt: number,
  reentry: number | boolean,
  key1: number,
  key2: string,
];

/** Where each field sits in a ReportRecord. */
export const R = {
  checkInId: 0,
  ticketId: 1,
  eventId: 2,
  productId: 3,
  attendeeName: 4,
  attendeeEmail: 5,
  gate: 6,
  deviceId: 7,
  sessionId: 8,
  checkedInAt: 9,
  occurredAt: 10,
  receivedAt: 11,
  reentry: 12,
} as const;

/** The SQL of a ReportRecord over `checkins` c JOIN checkin_local l (keys added by the query). */
const RECORD_COLUMNS = `c.data ->> '$.event.data.check_in_id', c.data ->> '$.ticketId',
  c.data ->> '$.eventId', c.data ->> '$.event.data.event_product_id',
  c.data ->> '$.event.data.attendee.name', c.data ->> '$.event.data.attendee.email',
  c.data ->> '$.gate', c.data ->> '$.deviceId', c.data ->> '$.sessionId',
  c.data ->> '$.checkedInAt', c.data ->> '$.event.data.occurred_at', l.received_at, l.reentry`;

export interface ReportRecordSource {
  /** How many check-ins the range holds (documents, without reading them). */
  count(range: CheckInRange): Promise<number>;
  /** The range's records in (checkedInAt, id) order, `pageSize` at a time; one page in memory. */
  pages(range: CheckInRange, pageSize?: number): AsyncIterable<readonly ReportRecord[]>;
}

const RECORD_FIELDS = 13;

/**
 * Records through SQL on a check-in table; null when it does not expose the columns needed.
 * `counts`: how the pages were read (checkin-row-order.ts).
 */
export function tableRecords(t: CheckInTable, counts?: RowOrderCounts): ReportRecordSource | null {
  if (['checkedInAt', 'eventId', 'gate'].some((path) => t.column(path) === null)) return null;
  return {
    async count(range) {
      const n = countInTimeRange(t, range);
      if (n === null) throw new Error('the check-in table has no column for this filter');
      return n;
    },
    async *pages(range, pageSize = 1000) {
      for (const page of rowsInTimeOrder(
        t,
        RECORD_COLUMNS,
        RECORD_FIELDS,
        range,
        pageSize,
        counts,
      )) {
        yield page as unknown as ReportRecord[];
      }
    },
  };
}

export function recordOfRow(r: Readonly<CheckInRow>): ReportRecord {
  return [
    r.checkInId,
    r.ticketId,
    r.eventId,
    r.productId,
    r.attendeeName ?? null,
    r.attendeeEmail ?? null,
    r.gate,
    r.deviceId,
    r.sessionId,
    r.checkedInAt,
    r.occurredAt,
    r.receivedAt,
    r.reentry,
    r.checkedInAt,
    r.id,
  ];
}
