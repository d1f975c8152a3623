import { fingerprint } from './canonical';
import type { CheckInData } from './schemas';
import { parseRfc3339 } from './timestamp';

/** Longest search key (lower-cased attendee name or e-mail) the store indexes. */
export const SEARCH_KEY_LENGTH = 128;

/**
 * What the store indexes of a valid check-in, read from its event once, at classification. These
 * are the stored document's fields next to the event itself (electron/db/collections/checkins.ts):
 * derived only from what the event says, so every laptop derives the same.
 */
export interface CheckInFields {
  readonly ticketId: string;
  /** Epoch milliseconds of `data.checked_in_at`. */
  readonly checkedInAt: number;
  /** '' when the event has no gate. */
  readonly gate: string;
  /** '' when the event has no device. */
  readonly deviceId: string;
  readonly sessionId: string;
  readonly eventId: string;
  /** Lower-cased attendee name and e-mail ('' when absent), cut to SEARCH_KEY_LENGTH: prefix search. */
  readonly nameLower: string;
  readonly emailLower: string;
  /** Fingerprint of `data`: equal for a redelivery, different for a conflicting payload. */
  readonly fingerprint: string;
}

/** The fields of a check-in whose `data` passed the contract. */
export function checkInFields(data: CheckInData): CheckInFields {
  return checkInFieldsFrom(data, parseRfc3339(data.checked_in_at)!);
}

/** The same, with `checked_in_at` already parsed (the fast path parsed it while checking it). */
export function checkInFieldsFrom(data: CheckInData, checkedInAt: number): CheckInFields {
  return {
    ticketId: data.ticket_id,
    checkedInAt,
    gate: data.gate ?? '',
    deviceId: data.device_id ?? '',
    sessionId: data.scanner_session_id,
    eventId: data.event_id,
    nameLower: searchKey(data.attendee.name),
    emailLower: searchKey(data.attendee.email),
    fingerprint: fingerprint(data),
  };
}

function searchKey(value: string | undefined): string {
  return value ? value.toLowerCase().slice(0, SEARCH_KEY_LENGTH) : '';
}

/**
 * The event as the store keeps it: as received, less the relay's `sequence` stamp (it differs
 * between two deliveries of one event, and between two laptops). Keys keep their order.
 */
export function withoutSequence(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (!Object.prototype.hasOwnProperty.call(event, 'sequence')) return { ...event };
  const { sequence: _sequence, ...rest } = event;
  return rest;
}

/** What a report or a detail view reads from a stored check-in's event beyond its fields. */
export interface CheckInDetails {
  readonly checkInId: string;
  readonly productId: string;
  readonly attendeeName: string | undefined;
  readonly attendeeEmail: string | undefined;
  readonly occurredAt: number;
  /** The CloudEvents `time` attribute, when present. */
  readonly time: number | undefined;
  readonly source: string;
  readonly ceId: string;
  readonly schemaVersion: string;
}

/** Reads the details of a stored (hence valid) check-in event. */
export function checkInDetails(event: Readonly<Record<string, unknown>>): CheckInDetails {
  const data = event['data'] as CheckInData;
  const time = typeof event['time'] === 'string' ? parseRfc3339(event['time']) : null;
  return {
    checkInId: data.check_in_id,
    productId: data.event_product_id,
    attendeeName: data.attendee.name,
    attendeeEmail: data.attendee.email,
    occurredAt: parseRfc3339(data.occurred_at) ?? 0,
    time: time ?? undefined,
    source: String(event['source']),
    ceId: String(event['id']),
    schemaVersion: data.schema_version,
  };
}

/**
 * The dedupe key. Two key spaces that cannot collide (a decision taken with the document
 * migration, which recomputes stored keys with this function):
 * - `idempotency_key` when present and non-empty, as given, except that one beginning with `[`
 *   or `\` gets a `\` in front (an escaped key always begins with `\`);
 * - otherwise the pair `JSON.stringify([source, id])`, which always begins with `[`.
 * A pair key begins with `[` and an idempotency key never does unescaped, so an event whose
 * `idempotency_key` is the text of another event's pair key gets a different key; every ordinary
 * idempotency key stays byte-for-byte what the producer sent.
 */
export function dedupeKey(event: Readonly<Record<string, unknown>>): string | null {
  const ik = event['idempotency_key'];
  if (typeof ik === 'string' && ik.length > 0) return escapeIdempotencyKey(ik);
  const source = event['source'];
  const id = event['id'];
  if (typeof source === 'string' && typeof id === 'string' && source && id) {
    return JSON.stringify([source, id]);
  }
  return null;
}

function escapeIdempotencyKey(ik: string): string {
  const first = ik.charCodeAt(0);
  return first === 0x5b /* [ */ || first === 0x5c /* \ */ ? `\\${ik}` : ik;
}
