/**
 * `checkins` (schema v1): one document per unique check-in (dedupe key), replicated between the
 * laptops of a venue. It holds only what the event says, so two laptops that received the same
 * event (from the relay, stamped with different `sequence`s, or from each other) hold the same
 * document byte for byte: the event as received less the relay's stamp, and the fields the
 * indexes need, read from it. What is local to one laptop (arrival order, received time, relay
 * sequence, the re-entry flag, where it came from) is in `LocalCheckIns` (../local-checkins.ts).
 * Build documents with `checkInDoc()` (../checkin-document.ts) only: it fixes the field order.
 */
import type { RxJsonSchema } from 'rxdb';
import type { CheckInFields } from '../../../shared/contract';
import { MAX_TIMESTAMP_MS } from '../../../shared/contract/timestamp';

export interface CheckInDoc extends CheckInFields {
  /** base64url SHA-256 of the dedupe key, 22 characters (`checkInDocId()`, ../ids.ts). */
  readonly id: string;
  /** The CloudEvent as received, parsed, without `sequence`; unknown fields kept. */
  readonly event: Readonly<Record<string, unknown>>;
}

const str = (maxLength: number) => ({ type: 'string', maxLength }) as const;

export const CHECKINS_SCHEMA_VERSION = 1;

/**
 * The `bulkWrite` context of ingest's writes: they record their local facts themselves; any
 * other insert into `checkins` (venue sync's replication) gets them from the follower.
 */
export const INGEST_WRITE_CONTEXT = 'gate-ops-ingest';

export const checkinsSchema: RxJsonSchema<CheckInDoc> = {
  title: 'check-ins',
  version: CHECKINS_SCHEMA_VERSION,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: str(22),
    ticketId: str(128),
    checkedInAt: { type: 'integer', minimum: 0, maximum: MAX_TIMESTAMP_MS, multipleOf: 1 },
    gate: str(128),
    deviceId: str(128),
    sessionId: str(128),
    eventId: str(128),
    nameLower: str(128),
    emailLower: str(128),
    fingerprint: str(32),
    event: { type: 'object' },
  },
  required: [
    'id',
    'ticketId',
    'checkedInAt',
    'gate',
    'deviceId',
    'sessionId',
    'eventId',
    'nameLower',
    'emailLower',
    'fingerprint',
    'event',
  ],
  indexes: [
    'checkedInAt',
    ['ticketId', 'checkedInAt'],
    'nameLower',
    'emailLower',
    ['gate', 'checkedInAt'],
    ['sessionId', 'checkedInAt'],
    ['deviceId', 'checkedInAt'],
    ['eventId', 'checkedInAt'],
  ],
};
