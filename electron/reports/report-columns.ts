/**
 * The check-in columns of every report format, in order (documented in docs/reports.md).
 * Without personal data (`includePii: false`) the attendee name and e-mail columns are removed,
 * not emptied, so a file without PII cannot be mistaken for one whose names were blank.
 */
import type { CheckInRow } from '../../shared/api/channels/checkins';

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
  readonly text?: (doc: Readonly<CheckInRow>) => string;
  readonly time?: (doc: Readonly<CheckInRow>) => number;
}

const text = (
  key: string,
  title: string,
  width: number,
  get: (doc: Readonly<CheckInRow>) => string,
  pii = false,
): ReportColumn => ({ key, title, kind: 'text', pii, width, text: get });
const time = (
  key: string,
  title: string,
  get: (doc: Readonly<CheckInRow>) => number,
): ReportColumn => ({ key, title, kind: 'time', pii: false, width: 24, time: get });

export const REPORT_COLUMNS: ReadonlyArray<ReportColumn> = [
  text('check_in_id', 'Check-in ID', 24, (d) => d.checkInId),
  text('ticket_id', 'Ticket ID', 20, (d) => d.ticketId),
  text('event_id', 'Event', 16, (d) => d.eventId),
  text('product_id', 'Product', 16, (d) => d.productId),
  text('attendee_name', 'Attendee name', 24, (d) => d.attendeeName ?? '', true),
  text('attendee_email', 'Attendee e-mail', 28, (d) => d.attendeeEmail ?? '', true),
  text('gate', 'Gate', 12, (d) => d.gate),
  text('device_id', 'Device', 16, (d) => d.deviceId),
  text('scanner_session_id', 'Scanner session', 22, (d) => d.sessionId),
  time('checked_in_at', 'Checked in at', (d) => d.checkedInAt),
  time('occurred_at', 'Occurred at', (d) => d.occurredAt),
  time('received_at', 'Received at', (d) => d.receivedAt),
  { key: 'reentry', title: 'Re-entry', kind: 'flag', pii: false, width: 10 },
];

export function reportColumns(includePii: boolean): ReadonlyArray<ReportColumn> {
  return includePii ? REPORT_COLUMNS : REPORT_COLUMNS.filter((c) => !c.pii);
}
