/**
 * `checkins`: one document per unique check-in (dedupe key). The primary key is a fixed-length
 * digest of the dedupe key so every index stays short; the key itself is kept in `key`.
 */
import type { RxJsonSchema } from 'rxdb';

export interface CheckInDoc {
  /** base64url SHA-256 of `key`, 22 characters (see `checkInId()` in electron/db/ids.ts). */
  id: string;
  /** The dedupe key (`dedupeKey()` in shared/contract): `idempotency_key`, or the JSON pair [source, id]. */
  key: string;
  /** Monotone arrival order across all ingested messages (check-ins, quarantine, conflicts). */
  ingestSeq: number;
  checkInId: string;
  ticketId: string;
  eventId: string;
  productId: string;
  sessionId: string;
  /** '' when the event has no device_id. */
  deviceId: string;
  /** '' when the event has no gate. */
  gate: string;
  attendeeName?: string;
  attendeeEmail?: string;
  /** Lower-cased, trimmed to 128 characters: prefix search. */
  nameLower: string;
  emailLower: string;
  checkedInAt: number;
  occurredAt: number;
  receivedAt: number;
  time?: number;
  source: string;
  ceId: string;
  sequence?: string;
  schemaVersion: string;
  fingerprint: string;
  /** Another check-in of the same ticket was stored before this one. */
  reentry: boolean;
  /** The event exactly as received. */
  raw: string;
}

const MAX_TIME = 4_102_444_800_000; // 2100-01-01
const str = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const int = (maximum: number) => ({ type: 'integer', minimum: 0, maximum, multipleOf: 1 }) as const;

export const checkinsSchema: RxJsonSchema<CheckInDoc> = {
  title: 'check-ins',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: str(22),
    key: str(600),
    ingestSeq: int(1e15),
    checkInId: str(128),
    ticketId: str(128),
    eventId: str(128),
    productId: str(128),
    sessionId: str(128),
    deviceId: str(128),
    gate: str(128),
    attendeeName: str(1024),
    attendeeEmail: str(1024),
    nameLower: str(128),
    emailLower: str(128),
    checkedInAt: int(MAX_TIME),
    occurredAt: int(MAX_TIME),
    receivedAt: int(MAX_TIME),
    time: int(MAX_TIME),
    source: str(1024),
    ceId: str(128),
    sequence: str(128),
    schemaVersion: str(16),
    fingerprint: str(32),
    reentry: { type: 'boolean' },
    raw: { type: 'string' },
  },
  required: [
    'id',
    'key',
    'ingestSeq',
    'checkInId',
    'ticketId',
    'eventId',
    'productId',
    'sessionId',
    'deviceId',
    'gate',
    'nameLower',
    'emailLower',
    'checkedInAt',
    'occurredAt',
    'receivedAt',
    'source',
    'ceId',
    'schemaVersion',
    'fingerprint',
    'reentry',
    'raw',
  ],
  indexes: [
    'ingestSeq',
    'checkedInAt',
    'ticketId',
    'nameLower',
    'emailLower',
    ['gate', 'checkedInAt'],
    ['sessionId', 'checkedInAt'],
    ['deviceId', 'checkedInAt'],
    ['eventId', 'checkedInAt'],
  ],
};
