/**
 * Indexing the documents that were stored before their full-text index existed (an upgrade, or
 * a changed field list): in the background, a chunk per transaction, with the position in the
 * catalog in the same transaction. The table's writes already index every new row, so the app
 * runs normally meanwhile; searches say the index is not complete yet. Stopped by closing the
 * file, or killed, the next open carries on from the position.
 */
import type { FullTextIndex } from './full-text';
import type { SqliteConnection } from './sqlite-connection';
import { readEntry, writeEntry } from './table-catalog';

/** Rows per transaction: short enough that a batch of check-ins never waits long behind one. */
export const FILL_CHUNK = 2_000;

export async function fillInBackground(
  connection: SqliteConnection,
  index: FullTextIndex,
  tableName: string,
  chunk: number = FILL_CHUNK,
): Promise<void> {
  const db = connection.db;
  for (;;) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (connection.isClosed) return;
    // A group of its own: it queues behind an open batch instead of joining (and maybe being
    // rolled back with) it.
    let finished: boolean;
    try {
      finished = await runChunk();
    } catch (error) {
      if (connection.isClosed) return; // closed while queued: the next open resumes
      throw error;
    }
    if (finished) return;
  }

  function runChunk(): Promise<boolean> {
    return connection.runGroup(async () => {
      const entry = readEntry(db, tableName);
      const fill = entry?.fullTextFill;
      if (!entry || !fill || !index.exists()) return true;
      const after = index.fillChunk(fill.after, fill.end, chunk);
      writeEntry(db, {
        ...entry,
        fullTextFill: after === null ? null : { after, end: fill.end },
      });
      return after === null;
    });
  }
}
