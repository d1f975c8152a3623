/**
 * When venue sync replaces this laptop's check-in with the hub's version (RxDB's conflict
 * handler: the hub's document wins a push of the same id with other content), the lost payload
 * is recorded here as a conflict, so nothing is overwritten without a trace. The document is the
 * same one the hub (or any laptop) records when that payload reaches it as a conflict: key, the
 * kept payload as the stored one, the lost payload as the conflicting one. It then syncs like
 * any conflict. Its local facts say 'resolved' (conflict-follower.ts, by the write's context).
 */
import { classify } from '../../shared/contract';
import {
  conflictDoc,
  RESOLVED_CONFLICT_CONTEXT,
  type CheckInDoc,
  type ConflictDoc,
  type GateOpsDatabase,
} from '../db';
import type { JoinerOptions } from './join/joiner';

/** The conflict to record when `lost` was replaced by `kept` (null: the same payload). */
export function resolvedConflictDoc(
  lost: Readonly<CheckInDoc>,
  kept: Readonly<CheckInDoc>,
): ConflictDoc | null {
  if (lost.fingerprint === kept.fingerprint) return null;
  const v = classify(JSON.stringify(lost.event));
  if (v.verdict !== 'checkin') return null;
  return conflictDoc(v.key, kept.fingerprint, v.fields.fingerprint, v.event);
}

/** Stores the conflict of a resolved check-in unless this laptop holds it already. */
export async function recordResolvedCheckIn(
  db: Pick<GateOpsDatabase, 'conflicts'>,
  lost: Readonly<CheckInDoc>,
  kept: Readonly<CheckInDoc>,
): Promise<ConflictDoc | null> {
  const doc = resolvedConflictDoc(lost, kept);
  if (!doc) return null;
  const instance = db.conflicts.storageInstance;
  const [held] = await instance.findDocumentsById([doc.id], false);
  if (held) return doc;
  const result = await instance.bulkWrite(
    [{ document: { ...doc, _deleted: false, _attachments: {}, _meta: { lwt: 0 }, _rev: '' } }],
    RESOLVED_CONFLICT_CONTEXT,
  );
  // 409: pulled from the hub meanwhile, the same document.
  const error = result.error.find((e) => e.status !== 409);
  if (error) throw new Error(`recording a resolved conflict failed (status ${error.status})`);
  return doc;
}

/** The Joiner's `onResolved` for a store: a check-in that lost to the hub's is recorded. */
export function recordResolvedConflicts(
  db: Pick<GateOpsDatabase, 'conflicts'>,
  log: (line: string) => void,
): NonNullable<JoinerOptions['onResolved']> {
  return (name, lost, kept) => {
    if (name !== 'checkins') return;
    recordResolvedCheckIn(db, lost as unknown as CheckInDoc, kept as unknown as CheckInDoc).catch(
      (error: unknown) => log(`venue sync: recording a resolved conflict failed: ${String(error)}`),
    );
  };
}
