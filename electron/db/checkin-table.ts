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
  /**
   * The quoted SQL column of an indexed field (its value in RxDB's index order), or null when
   * the storage has none for it; see the storage's `indexColumnOf`.
   */
  column(path: string): string | null;
}

export function checkInTable(
  collection: Pick<RxCollection, 'storageInstance'>,
): CheckInTable | null {
  const internals = collection.storageInstance.internals as
    | {
        connection?: { db?: unknown };
        tableName?: unknown;
        indexColumnOf?: (path: string) => string | null;
      }
    | undefined;
  const sql = internals?.connection?.db;
  const tableName = internals?.tableName;
  if (!(sql instanceof DatabaseSync) || typeof tableName !== 'string') return null;
  const columnOf = internals?.indexColumnOf;
  return {
    sql,
    table: quote(tableName),
    column: (path) => {
      const name = columnOf?.(path) ?? null;
      return name === null ? null : quote(name);
    },
  };
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
