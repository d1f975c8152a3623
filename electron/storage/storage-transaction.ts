/**
 * runInStorageTransaction: one SQLite transaction around several awaited writes, across any
 * collections of one RxDB database (they share one connection, see sqlite-connection.ts).
 */
import type { RxDatabase, RxStorageInstance } from 'rxdb';
import { findConnection, type SqliteConnection } from './sqlite-connection';
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
 *   internals) also join, and are rolled back with the group if `fn` throws. After a
 *   rollback, RxDocument objects returned inside `fn` describe writes that did not happen:
 *   re-read them.
 * - Groups on one database run one after another; a nested call inside `fn` joins the outer
 *   group. Reads inside `fn` see the group's own uncommitted writes.
 */
export function runInStorageTransaction<T>(
  target: StorageTransactionTarget,
  fn: () => Promise<T>,
): Promise<T> {
  return connectionOf(target).runGroup(fn);
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
