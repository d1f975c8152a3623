/**
 * Format 2 → 3 for a table's SQL indexes, in the background after open: format 2 ended every
 * index with the primary key (as RxDB's index does), about a fifth of a check-in's index bytes;
 * format 3 leaves it out (collection-table.ts, sqlIndexColumns). Both shapes answer every query
 * the same way, so the table is used as it is while this runs, whatever is done already.
 *
 * One index per transaction (DROP and CREATE under the same name: a kill leaves the old index or
 * the new one, never none), queued behind open write groups like the full-text fill, so start is
 * never held up and a batch of check-ins waits at most one index build (about a second at a
 * million rows here). The catalog says format 3 once no index is left to rebuild; until then
 * every open looks again and carries on.
 */
import type { CollectionTable } from './collection-table';
import type { SqliteConnection } from './sqlite-connection';
import { readEntry, writeEntry } from './table-catalog';

export async function upgradeIndexesInBackground(
  connection: SqliteConnection,
  table: CollectionTable,
): Promise<void> {
  const db = connection.db;
  for (;;) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (connection.isClosed) return;
    let finished: boolean;
    try {
      finished = await connection.runGroup(async () => {
        const entry = readEntry(db, table.tableName);
        if (!entry || entry.format !== 2) return true;
        const next = table.outdatedIndexes()[0];
        if (next === undefined) {
          writeEntry(db, { ...entry, format: 3 });
          return true;
        }
        table.rebuildIndex(next);
        return false;
      });
    } catch (error) {
      if (connection.isClosed) return; // closed while queued: the next open carries on
      throw error;
    }
    if (finished) return;
  }
}
