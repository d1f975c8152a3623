/** A stored check-in as the check-in list shows it. */
import type { CheckInRow } from '../../shared/api/channels/checkins';
import type { CheckInDoc } from '../db';

export function toRow(d: Readonly<CheckInDoc>): CheckInRow {
  return {
    id: d.id,
    ingestSeq: d.ingestSeq,
    ticketId: d.ticketId,
    checkInId: d.checkInId,
    ...(d.attendeeName !== undefined ? { attendeeName: d.attendeeName } : {}),
    ...(d.attendeeEmail !== undefined ? { attendeeEmail: d.attendeeEmail } : {}),
    gate: d.gate,
    deviceId: d.deviceId,
    sessionId: d.sessionId,
    productId: d.productId,
    eventId: d.eventId,
    checkedInAt: d.checkedInAt,
    receivedAt: d.receivedAt,
    reentry: d.reentry,
  };
}
