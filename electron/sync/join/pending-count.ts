/**
 * How many of this laptop's documents the hub has not confirmed yet, exactly, and cheaply at any
 * store size.
 *
 * RxDB's upstream moves its checkpoint past a document once it has dealt with it: pushed and
 * confirmed, found equal to what the hub holds, resolved as a conflict, or stored from the hub.
 * What is waiting is therefore among the documents changed after that checkpoint, read from the
 * `[_meta.lwt, id]` index the way the upstream reads them. Of those, the hub already holds the
 * ones with an "assumed master state" row in the replication's meta instance (pulled from the
 * hub, or pushed in a batch whose checkpoint is not stored yet), looked up by id. The checkpoint
 * follows the replication closely, so this reads a handful of documents. When there are more than
 * LOOKUP (a laptop joining with a long backlog of its own, or no checkpoint yet) the count is
 * "documents minus document rows of the meta instance" instead: two counts our SQLite storage
 * answers from an index without reading a row; right because the synced collections are
 * append-only (a document never changes after it is written, so a meta row means the hub holds
 * exactly it). (A range count on `_meta.lwt` is not answered from the index by our storage, so
 * it is not used.)
 */
import {
  getChangedDocumentsSince,
  normalizeMangoQuery,
  prepareQuery,
  type RxStorageInstance,
  type RxStorageInstanceReplicationState,
} from 'rxdb';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyInstance = RxStorageInstance<any, any, any>;
type Checkpoint = { readonly id: string; readonly lwt: number };

const CHECKPOINT_ROWS = ['up|1', 'down|1'];
/** Documents after the checkpoint read at most; past that, two counts. */
const LOOKUP = 2_000;

/** Documents not deleted (the synced collections never delete; the count says so anyway). */
async function liveCount(instance: AnyInstance): Promise<number> {
  const query = normalizeMangoQuery(instance.schema, { selector: { _deleted: { $eq: false } } });
  return (await instance.count(prepareQuery(instance.schema, query))).count;
}

/** Documents minus the meta instance's document rows (every document row is confirmed). */
async function byDifference(fork: AnyInstance, meta: AnyInstance): Promise<number> {
  const [docs, rows, checkpoints] = await Promise.all([
    liveCount(fork),
    liveCount(meta),
    meta.findDocumentsById(CHECKPOINT_ROWS, false),
  ]);
  return Math.max(0, docs - (rows - checkpoints.length));
}

async function pendingOf(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  state: RxStorageInstanceReplicationState<any>,
): Promise<number> {
  const { forkInstance: fork, metaInstance: meta } = state.input;
  const cp = state.lastCheckpointDoc['up']?.checkpointData as Checkpoint | undefined;
  if (!cp || typeof cp.lwt !== 'number' || typeof cp.id !== 'string') {
    return byDifference(fork, meta);
  }
  const primary = state.primaryPath as string;
  const changed = await getChangedDocumentsSince(fork, LOOKUP + 1, cp);
  if (changed.documents.length === 0) return 0;
  if (changed.documents.length > LOOKUP) return byDifference(fork, meta);
  const ids = changed.documents.map((d) => `${String((d as Record<string, unknown>)[primary])}|0`);
  const held = await meta.findDocumentsById(ids, false);
  return Math.max(0, changed.documents.length - held.length);
}

/** Documents waiting to be pushed, summed over the given replications (absent ones count 0). */
export async function pendingCount(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  states: ReadonlyArray<RxStorageInstanceReplicationState<any> | undefined>,
): Promise<number> {
  let pending = 0;
  for (const state of states) if (state) pending += await pendingOf(state);
  return pending;
}
