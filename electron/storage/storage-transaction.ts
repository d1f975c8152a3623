/**
 * runInStorageTransaction: one SQLite transaction around several awaited writes, across any
 * collections of one RxDB database (they share one connection, see sqlite-connection.ts).
 */
import type { RxDatabase, RxStorageInstance } from 'rxdb';
import { findConnection, type SqliteConnection, type TouchedDocuments } from './sqlite-connection';
import type { NodeSqliteInternals } from './sqlite-storage-instance';
import type { RxStorageNodeSqlite } from './sqlite-rx-storage';

/** What names the database: an RxDatabase on this storage, or one of its storage instances. */
export type StorageTransactionTarget =
  | Pick<RxDatabase, 'name' | 'storage'>
  | Pick<RxStorageInstance<unknown, NodeSqliteInternals, unknown>, 'internals'>;

/**
 * Runs `fn` inside one SQLite transaction (BEGIN IMMEDIATE) on the database's file and
 * commits once when it resolves, or rolls back everything if it throws.
 *
 * - Every `bulkWrite` on any collection of the database that runs while `fn` is pending joins
 *   the transaction: `collection.bulkInsert/bulkUpsert/insert…` awaited inside `fn` included.
 *   Each such write is atomic on its own too (a savepoint), and its write result (conflicts)
 *   is returned as usual.
 * - Change-stream events of those writes (so RxDB queries, `$` observables) are emitted only
 *   after the COMMIT, and never for a rolled-back group.
 * - Caveat: writes issued by *other* code while `fn` is pending (another service, RxDB
 *   internals) also join, and are rolled back with the group if `fn` throws.
 * - After a rollback (target = RxDatabase) RxDB's document cache forgets the rolled-back
 *   states, so findOne/findByIds read storage again. RxDocument objects returned inside `fn`
 *   and results of queries *run inside* the failed group still describe writes that did not
 *   happen: drop them and query again.
 * - Groups on one database run one after another; a nested call inside `fn` joins the outer
 *   group. Reads inside `fn` see the group's own uncommitted writes.
 */
export function runInStorageTransaction<T>(
  target: StorageTransactionTarget,
  fn: () => Promise<T>,
): Promise<T> {
  return connectionOf(target).runGroup(fn, (touched) => forgetRolledBack(target, touched));
}

/**
 * RxDB caches the document states its own writes returned (collection._docCache) and serves
 * findOne/findByIds from that cache. After a rollback those states never happened, so drop
 * them: the next read goes to storage. (RxDB internals; only reachable with an RxDatabase.)
 */
function forgetRolledBack(target: StorageTransactionTarget, touched: TouchedDocuments): void {
  const collections = (target as { collections?: Record<string, unknown> }).collections;
  if (!collections) return;
  for (const [name, ids] of touched) {
    const cache = (collections[name] as { _docCache?: { cacheItemByDocId?: Map<string, unknown> } })
      ?._docCache?.cacheItemByDocId;
    if (!cache) continue;
    for (const id of ids) cache.delete(id);
  }
}

function connectionOf(target: StorageTransactionTarget): SqliteConnection {
  const internals = (target as { internals?: Partial<NodeSqliteInternals> }).internals;
  if (internals?.connection) return internals.connection;
  const database = target as Pick<RxDatabase, 'name' | 'storage'>;
  const storage = database.storage as Partial<RxStorageNodeSqlite> | undefined;
  if (storage?.filePathOf) {
    const connection = findConnection(storage.filePathOf(database.name));
    if (connection) return connection;
  }
  // Wrapped storages (e.g. schema validation) hide the settings, but the database's own
  // internal store still carries our internals.
  const internalStore = (database as { internalStore?: { internals?: unknown } }).internalStore;
  const inner = internalStore?.internals as Partial<NodeSqliteInternals> | undefined;
  if (inner?.connection) return inner.connection;
  throw new Error('runInStorageTransaction: the target does not use the node:sqlite storage');
}
