/**
 * The check-in columns of every report format, in order (documented in docs/reports.md). Each
 * names the field of a ReportRecord it shows (`at`). Without personal data (`includePii:
 * false`) the attendee name and e-mail columns are removed, not emptied, so a file without PII
 * cannot be mistaken for one whose names were blank.
 */
import { R } from '../db';

export type ColumnKind = 'text' | 'time' | 'flag';

export interface ReportColumn {
  /** CSV header: stable snake_case, safe to script against. */
  readonly key: string;
  /** XLSX header. */
  readonly title: string;
  readonly kind: ColumnKind;
  readonly pii: boolean;
  /** XLSX column width in characters. */
  readonly width: number;
  /** The ReportRecord field shown. */
  readonly at: number;
}

const text = (
  key: string,
  title: string,
  width: number,
  at: number,
  pii = false,
): ReportColumn => ({
  key,
  title,
  kind: 'text',
  pii,
  width,
  at,
});
const time = (key: string, title: string, at: number): ReportColumn => ({
  key,
  title,
  kind: 'time',
  pii: false,
  width: 24,
  at,
});

export const REPORT_COLUMNS: ReadonlyArray<ReportColumn> = [
  text('check_in_id', 'Check-in ID', 24, R.checkInId),
  text('ticket_id', 'Ticket ID', 20, R.ticketId),
  text('event_id', 'Event', 16, R.eventId),
  text('product_id', 'Product', 16, R.productId),
  text('attendee_name', 'Attendee name', 24, R.attendeeName, true),
  text('attendee_email', 'Attendee e-mail', 28, R.attendeeEmail, true),
  text('gate', 'Gate', 12, R.gate),
  text('device_id', 'Device', 16, R.deviceId),
  text('scanner_session_id', 'Scanner session', 22, R.sessionId),
  time('checked_in_at', 'Checked in at', R.checkedInAt),
  time('occurred_at', 'Occurred at', R.occurredAt),
  time('received_at', 'Received at', R.receivedAt),
  { key: 'reentry', title: 'Re-entry', kind: 'flag', pii: false, width: 10, at: R.reentry },
];

export function reportColumns(includePii: boolean): ReadonlyArray<ReportColumn> {
  return includePii ? REPORT_COLUMNS : REPORT_COLUMNS.filter((c) => !c.pii);
}

/**
 * A text cell's value as the reports have always shown it: an attendee name or e-mail that is
 * not a string is empty; any other field is its text (the contract makes every one a string).
 */
export function cellText(value: unknown, pii: boolean): string {
  if (typeof value === 'string') return value;
  return pii ? '' : String(value);
}
