/**
 * A data folder as the previous version wrote it: check-ins at document v1 (with their local
 * facts) and `conflicts` still at schema v0 (local ids, the arrival and the relay stamp inside
 * the document, the text exactly as received), written the way that version's ingest did. Each
 * conflict is given as the event number it collides with and the relay stamp it came with; two
 * of the same number and gate are the same conflict delivered twice.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createRxDatabase, type RxCollection } from 'rxdb';
import { classify, type CheckInVerdict } from '../../shared/contract';
import { CHECKIN_FULL_TEXT } from '../../electron/db/collections/checkins-full-text';
import { checkinsSchema, type CheckInDoc } from '../../electron/db/collections/checkins';
import { quarantineSchema } from '../../electron/db/collections/quarantine';
import { stateSchema } from '../../electron/db/collections/state';
import { checkInDoc } from '../../electron/db/checkin-document';
import { LocalCheckIns } from '../../electron/db/local-checkins';
import { conflictsSchemaV0, type ConflictDocV0 } from '../../electron/db/migrations/conflicts-v0';
import { getRxStorageNodeSqlite } from '../../electron/storage';
import { checkInEvent } from './sync';

const T = Date.UTC(2026, 4, 5, 18);

function verdict(text: string): CheckInVerdict {
  const v = classify(text);
  if (v.verdict !== 'checkin') throw new Error('not a check-in');
  return v;
}

export interface ConflictV0Spec {
  /** The stored check-in's event number. */
  readonly n: number;
  readonly gate: string;
  /** Its arrival number (ingestSeq): after the check-ins. */
  readonly seq: number;
}

/** Builds `<dir>/gate-ops.sqlite` with check-ins 1..checkins and the given v0 conflicts. */
export async function buildConflictsV0Store(
  dir: string,
  checkins: number,
  conflicts: readonly ConflictV0Spec[],
): Promise<{ conflicts: ConflictDocV0[] }> {
  const db = await createRxDatabase<{
    checkins: RxCollection;
    conflicts: RxCollection;
    state: RxCollection;
  }>({
    name: 'gate-ops',
    storage: getRxStorageNodeSqlite({ directory: dir }),
    multiInstance: false,
  });
  await db.addCollections({
    checkins: { schema: checkinsSchema, instanceCreationOptions: { fullText: CHECKIN_FULL_TEXT } },
    quarantine: { schema: quarantineSchema },
    conflicts: { schema: conflictsSchemaV0 },
    state: { schema: stateSchema },
  });
  const stored: CheckInDoc[] = [];
  for (let n = 1; n <= checkins; n++) {
    const v = verdict(checkInEvent(n));
    stored.push(checkInDoc(v.key, v.fields, v.event));
  }
  await db.checkins.bulkInsert(stored);
  const v0: ConflictDocV0[] = conflicts.map((c) => {
    const sequence = String(c.seq).padStart(12, '0');
    const text = checkInEvent(c.n, { gate: c.gate, sequence });
    const v = verdict(text);
    return {
      id: `c${String(c.seq).padStart(15, '0')}`,
      ingestSeq: c.seq,
      receivedAt: T + c.seq * 1000,
      key: v.key,
      checkinId: stored[c.n - 1]!.id,
      storedFingerprint: stored[c.n - 1]!.fingerprint,
      fingerprint: v.fields.fingerprint,
      text,
      sequence,
    };
  });
  await db.conflicts.bulkInsert(v0);
  const last = checkins + conflicts.length;
  await db.state.insert({
    id: 'ingest',
    value: {
      version: 1,
      cursor: String(last).padStart(12, '0'),
      latest: String(last).padStart(12, '0'),
      ingestSeq: last,
      stored: checkins,
      redelivered: 0,
      conflicts: conflicts.length,
      quarantined: 0,
      skipped: 0,
      reentries: 0,
      replayed: 0,
      sequenceAnomalies: 0,
      lastReceivedAt: T + last * 1000,
    },
    updatedAt: T + last * 1000,
  });
  await db.close();
  const sql = new DatabaseSync(join(dir, 'gate-ops.sqlite'));
  try {
    new LocalCheckIns(sql).record(stored, (_d, i) => ({
      seq: i + 1,
      receivedAt: T + (i + 1) * 1000,
      relaySeq: String(i + 1).padStart(12, '0'),
      origin: 'relay',
    }));
  } finally {
    sql.close();
  }
  return { conflicts: v0 };
}
