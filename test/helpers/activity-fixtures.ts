/** Check-in documents and a memory-storage database for the activity and alert tests. */
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  openGateOpsDatabase,
  type CheckInDoc,
  type GateOpsDatabase,
  type QuarantineDoc,
} from '../../electron/db';

let dbCounter = 0;
export async function memoryDb(): Promise<GateOpsDatabase> {
  dbCounter += 1;
  return openGateOpsDatabase({
    storage: getRxStorageMemory(),
    name: `activity${process.pid}x${dbCounter}x${Date.now()}`,
  });
}

export const T0 = Date.UTC(2026, 4, 5, 12, 0, 0);
export const MIN = 60_000;

export function checkIn(seq: number, over: Partial<CheckInDoc> = {}): CheckInDoc {
  const ticketId = over.ticketId ?? `T-${seq}`;
  const checkedInAt = over.checkedInAt ?? T0 + seq * 1000;
  return {
    id: `id${String(seq).padStart(12, '0')}`,
    key: `k-${seq}`,
    ingestSeq: seq,
    checkInId: `ci-${seq}`,
    ticketId,
    eventId: 'E1',
    productId: 'GA',
    sessionId: 'S1',
    deviceId: 'D1',
    gate: 'G1',
    attendeeName: `Name ${seq}`,
    attendeeEmail: `p${seq}@example.com`,
    nameLower: `name ${seq}`,
    emailLower: `p${seq}@example.com`,
    checkedInAt,
    occurredAt: checkedInAt,
    receivedAt: checkedInAt + 500,
    source: 'cope.ticketing',
    ceId: `ce-${seq}`,
    schemaVersion: '1.0',
    fingerprint: 'f'.repeat(32),
    reentry: false,
    raw: '{}',
    ...over,
  };
}

export function quarantined(seq: number, receivedAt = T0): QuarantineDoc {
  return {
    id: `q${String(seq).padStart(15, '0')}`,
    ingestSeq: seq,
    receivedAt,
    code: 'invalid_json',
    reasons: [{ code: 'invalid_json', path: '', message: 'not JSON' }],
    text: '{oops',
    size: 5,
    truncated: false,
  };
}
