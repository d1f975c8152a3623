/**
 * The SQL under the `checkins` collection, for the reads that must not build a document per
 * row (stats, exports, start-up): on our SQLite storage a collection is one table whose `data`
 * column holds the document JSON and whose `deleted` column marks tombstones (docs/storage.md).
 * Null on any other storage; callers then read through RxDB.
 */
import { DatabaseSync } from 'node:sqlite';
import type { RxCollection } from 'rxdb';

export interface CheckInTable {
  readonly sql: DatabaseSync;
  /** The quoted table name, ready for SQL text. */
  readonly table: string;
}

export function checkInTable(
  collection: Pick<RxCollection, 'storageInstance'>,
): CheckInTable | null {
  const internals = collection.storageInstance.internals as
    { connection?: { db?: unknown }; tableName?: unknown } | undefined;
  const sql = internals?.connection?.db;
  const tableName = internals?.tableName;
  if (!(sql instanceof DatabaseSync) || typeof tableName !== 'string') return null;
  return { sql, table: `"${tableName.replace(/"/g, '""')}"` };
}
