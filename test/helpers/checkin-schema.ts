/**
 * A stand-in for the app's `checkins` collection (the real one lives in electron/db/), used
 * only by the storage tests and benchmark so they exercise realistic documents and indexes.
 */
import type { RxJsonSchema } from 'rxdb';

export type CheckinDoc = {
  key: string;
  checkInId: string;
  ticketId: string;
  eventId: string;
  productId: string;
  sessionId: string;
  deviceId: string;
  gate: string;
  attendeeName: string | null;
  attendeeEmail: string | null;
  checkedInAt: number;
  occurredAt: number;
  receivedAt: number;
  ingestSeq: number;
  reentry: boolean;
  raw: string;
};

const id = { type: 'string', maxLength: 256 } as const;
const epochMs = {
  type: 'number',
  minimum: 0,
  maximum: 100_000_000_000_000,
  multipleOf: 1,
} as const;

export const checkinSchema: RxJsonSchema<CheckinDoc> = {
  version: 0,
  primaryKey: 'key',
  type: 'object',
  properties: {
    key: { type: 'string', maxLength: 200 },
    checkInId: id,
    ticketId: id,
    eventId: id,
    productId: id,
    sessionId: id,
    deviceId: id,
    gate: id,
    attendeeName: { type: ['string', 'null'] },
    attendeeEmail: { type: ['string', 'null'] },
    checkedInAt: epochMs,
    occurredAt: epochMs,
    receivedAt: epochMs,
    ingestSeq: { type: 'integer', minimum: 0, maximum: 1_000_000_000_000, multipleOf: 1 },
    reentry: { type: 'boolean' },
    raw: { type: 'string' },
  },
  required: [
    'key',
    'checkInId',
    'ticketId',
    'eventId',
    'productId',
    'sessionId',
    'deviceId',
    'gate',
    'attendeeName',
    'attendeeEmail',
    'checkedInAt',
    'occurredAt',
    'receivedAt',
    'ingestSeq',
    'reentry',
    'raw',
  ],
  indexes: [
    'ticketId',
    ['gate', 'checkedInAt'],
    ['sessionId', 'checkedInAt'],
    ['deviceId', 'checkedInAt'],
    'checkedInAt',
    'ingestSeq',
  ],
};

const GATES = Array.from({ length: 36 }, (_, i) => `gate-${String(i + 1).padStart(2, '0')}`);
const FIRST = ['Ana', 'Ben', 'Chloé', 'Dmitri', 'Eun-ji', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun'];
const LAST = ['Silva', 'Okafor', 'Müller', 'Nguyen', 'Kowalski', 'Haddad', 'Sato', 'Brown'];

/** Deterministic realistic check-in number `i` (same i → same document). */
export function makeCheckin(i: number, start = 1_750_000_000_000): CheckinDoc {
  const device = i % 150;
  const gate = GATES[device % GATES.length] ?? 'gate-01';
  const checkedInAt = start + i * 50 + (i % 7) * 1000;
  const ticketId = `TKT-${(i * 7919) % 9_999_991}`.padEnd(14, '0');
  const name = `${FIRST[i % FIRST.length]} ${LAST[i % LAST.length]}`;
  const checkInId = `chk_${i.toString(36).padStart(8, '0')}`;
  const doc: Omit<CheckinDoc, 'raw'> = {
    key: `evt-2025-fest:${checkInId}`,
    checkInId,
    ticketId,
    eventId: 'evt-2025-fest',
    productId: `prod-${i % 5}`,
    sessionId: `sess-${device}-${Math.floor(i / 20_000)}`,
    deviceId: `dev-${String(device).padStart(3, '0')}`,
    gate,
    attendeeName: i % 11 === 0 ? null : name,
    attendeeEmail: i % 11 === 0 ? null : `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`,
    checkedInAt,
    occurredAt: checkedInAt,
    receivedAt: checkedInAt + (i % 13) * 250,
    ingestSeq: i,
    reentry: i % 17 === 0,
  };
  const raw = JSON.stringify({
    specversion: '1.0',
    type: 'ticketing.check_in.created',
    source: `urn:gate-ops:venue:stadium:${gate}`,
    id: doc.checkInId,
    time: new Date(doc.occurredAt).toISOString(),
    sequence: String(i).padStart(12, '0'),
    datacontenttype: 'application/json',
    traceparent: `00-${(i * 2654435761).toString(16).padStart(32, 'a')}-${i.toString(16).padStart(16, 'b')}-01`,
    relay: { node: 'relay-eu-west-1', receivedAt: new Date(doc.receivedAt).toISOString() },
    data: {
      ...doc,
      key: undefined,
      ingestSeq: undefined,
      scanner: { firmware: '4.2.1', battery: 0.81 },
    },
  });
  return { ...doc, raw };
}
