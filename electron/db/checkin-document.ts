/**
 * The one builder of `checkins` documents. Field order is fixed here, so two laptops that build
 * the document of one event get the same JSON, whichever relay stamp or peer it came with.
 */
import { classify, withoutSequence, type CheckInFields } from '../../shared/contract';
import type { CheckInDoc } from './collections/checkins';
import { checkInDocId } from './ids';

/**
 * A check-in document from an event that passed the contract (its fields read at
 * classification). `id` is `checkInDocId(key)`, passed in by a caller that has it already.
 */
export function checkInDoc(
  key: string,
  fields: CheckInFields,
  event: Readonly<Record<string, unknown>>,
  id: string = checkInDocId(key),
): CheckInDoc {
  return {
    id,
    ticketId: fields.ticketId,
    checkedInAt: fields.checkedInAt,
    gate: fields.gate,
    deviceId: fields.deviceId,
    sessionId: fields.sessionId,
    eventId: fields.eventId,
    nameLower: fields.nameLower,
    emailLower: fields.emailLower,
    fingerprint: fields.fingerprint,
    event: withoutSequence(event),
  };
}

/**
 * Why a document that came from elsewhere (a peer) is not the one this app builds from its own
 * event, or null when it is: its event must pass the contract and every field must be what
 * `checkInDoc()` reads from it (so a peer cannot plant a document under another check-in's id,
 * or index fields that disagree with the event).
 */
export function checkInDocProblem(doc: Readonly<CheckInDoc>): string | null {
  const v = classify(JSON.stringify(doc.event));
  if (v.verdict !== 'checkin') {
    return v.verdict === 'rejected'
      ? `event is not a valid check-in (${v.reasons[0]?.message ?? 'rejected'})`
      : 'event is not a check-in';
  }
  if (v.sequence !== null) return 'event carries a relay sequence stamp';
  const expected = checkInDoc(v.key, v.fields, v.event);
  if (doc.id !== expected.id) return 'id is not the digest of the dedupe key';
  for (const key of Object.keys(expected) as Array<keyof CheckInDoc>) {
    if (key === 'event') continue;
    if (doc[key] !== expected[key]) return `${key} does not match the event`;
  }
  return null;
}
