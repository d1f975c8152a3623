/**
 * The background pass that adds the full-text rows a large write left out (full-text.ts,
 * `defer`): a backlog being caught up commits its check-ins without their search index (about a
 * quarter of an ingested message's CPU), and this adds them once the backlog is over.
 *
 * - The list of waiting rows (`<table>__fts_pending`) is written in the same transaction as the
 *   rows, so a crash never loses an entry; each pass takes up to PENDING_CHUNK of them, newest
 *   first, adds their index rows and deletes them from the list in one transaction of its own,
 *   so a row is indexed exactly once whatever is killed when. The next open carries on.
 * - It starts once no deferring write came for `deferQuietMs` (a catch-up writes one every
 *   fraction of a second), and each transaction queues behind open write groups like the fill:
 *   a live batch waits at most one chunk.
 * - Searches meanwhile check the waiting rows one by one and say how many they did not reach.
 */
import { PENDING_CHUNK, type FullTextIndex } from './full-text';
import type { SqliteConnection } from './sqlite-connection';

export async function indexPendingInBackground(
  connection: SqliteConnection,
  index: FullTextIndex,
  chunk: number = PENDING_CHUNK,
): Promise<void> {
  for (;;) {
    await index.quiet();
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (connection.isClosed) return;
    let taken: number;
    try {
      // A group of its own: it queues behind an open batch instead of joining it.
      taken = await connection.runGroup(async () => index.indexPendingChunk(chunk));
    } catch (error) {
      if (connection.isClosed) return; // closed while queued: the next open carries on
      throw error;
    }
    if (taken === 0) return;
  }
}
