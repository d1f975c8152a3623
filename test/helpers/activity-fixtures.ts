/** Check-ins and a memory-storage database for the activity and alert tests. */
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { CheckInRow } from '../../shared/api/channels/checkins';
import { openGateOpsDatabase, type GateOpsDatabase, type QuarantineDoc } from '../../electron/db';
import type { CheckInSpec } from './checkin-docs';

export { storeCheckIns } from './checkin-docs';

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

/**
 * A check-in with arrival number `seq` (its own ticket unless given): a row the activity model
 * folds as it is, and a spec `storeCheckIns` stores. Stored, its `reentry` is not taken but
 * checked: the store decides re-entries by check-in time, and `reentry: true` on a check-in the
 * store does not flag throws.
 */
export function checkIn(
  seq: number,
  over: Partial<CheckInRow & CheckInSpec> = {},
): CheckInRow & CheckInSpec & { seq: number } {
  return { ...row(seq, over), seq, ...over } as CheckInRow & CheckInSpec & { seq: number };
}

/** A check-in row as the activity model folds it (pure aggregator tests). */
export function row(seq: number, over: Partial<CheckInRow> = {}): CheckInRow {
  const checkedInAt = over.checkedInAt ?? T0 + seq * 1000;
  return {
    id: `id${String(seq).padStart(12, '0')}`,
    ingestSeq: seq,
    checkInId: `ci-${seq}`,
    ticketId: `T-${seq}`,
    eventId: 'E1',
    productId: 'GA',
    sessionId: 'S1',
    deviceId: 'D1',
    gate: 'G1',
    attendeeName: `Name ${seq}`,
    attendeeEmail: `p${seq}@example.com`,
    occurredAt: checkedInAt,
    receivedAt: checkedInAt + 500,
    reentry: false,
    ...over,
    checkedInAt,
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
