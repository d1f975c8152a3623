/**
 * How many of this laptop's documents the hub has not confirmed yet: documents changed since the
 * replication's upstream checkpoint whose state the hub is not known to hold (RxDB's "assumed
 * master state" in the replication's meta collection). Scans at most `cap` documents; a count at
 * the cap means "at least".
 */
import {
  deepEqual,
  getAssumedMasterState,
  getChangedDocumentsSince,
  type RxStorageInstanceReplicationState,
} from 'rxdb';

export async function pendingCount(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  state: RxStorageInstanceReplicationState<any> | undefined,
  cap = 2000,
): Promise<number> {
  if (!state) return 0;
  const up = state.lastCheckpointDoc['up']?.checkpointData;
  const changed = await getChangedDocumentsSince(state.input.forkInstance, cap, up);
  if (changed.documents.length === 0) return 0;
  const primary = state.primaryPath as string;
  const ids = changed.documents.map((d) => String((d as Record<string, unknown>)[primary]));
  const assumed = await getAssumedMasterState(state, ids);
  let n = 0;
  for (const doc of changed.documents) {
    const { _meta: _m, _rev: _r, _attachments: _a, ...plain } = doc as Record<string, unknown>;
    const master = assumed[String(plain[primary])];
    if (!master || !deepEqual(master.docData, plain)) n += 1;
  }
  return n;
}
