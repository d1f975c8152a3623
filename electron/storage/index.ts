/**
 * Gate Ops' RxStorage on node:sqlite, the bottom floor. Design note: docs/storage.md. Imports
 * rxdb, rxjs and node only, nothing of the app (db/ opens the store through it).
 *
 *   const db = await createRxDatabase({
 *     name: 'gate-ops',
 *     storage: getRxStorageNodeSqlite({ directory: dataDir }), // → <dataDir>/gate-ops.sqlite
 *     multiInstance: false,
 *   });
 *
 *   // Several writes, any collections, one SQLite transaction; events after COMMIT:
 *   await runInStorageTransaction(db, async () => {
 *     await db.checkins.bulkUpsert(docs);
 *     await db.cursors.upsert({ id: 'relay', sequence });
 *   });
 *
 * Full-text search: create a collection with `instanceCreationOptions: { fullText: { fields,
 * newestBy } }` and call `fullTextSearch(query)` on its storage instance (full-text.ts).
 *
 * Opening a damaged file throws StorageDamagedError after moving the file aside.
 * Attachments are not supported (AttachmentsUnsupportedError at collection creation).
 */
export {
  getRxStorageNodeSqlite,
  RX_STORAGE_NAME_NODE_SQLITE,
  type NodeSqliteStorageSettings,
  type RxStorageNodeSqlite,
} from './sqlite-rx-storage';
export { runInStorageTransaction, type StorageTransactionTarget } from './storage-transaction';
export {
  AttachmentsUnsupportedError,
  StorageClosedError,
  StorageDamagedError,
} from './storage-errors';
export type {
  FullTextResult,
  NodeSqliteInstanceOptions,
  NodeSqliteInternals,
} from './sqlite-storage-instance';
export {
  foldText,
  splitTerms,
  type FullTextFilter,
  type FullTextOptions,
  type FullTextQuery,
  type FullTextState,
} from './full-text';
export { SQLITE_PRAGMAS } from './sqlite-settings';
