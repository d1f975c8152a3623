/**
 * Local facts for conflict documents that did not come through ingest: pulled from the venue
 * hub (origin 'peer') or recorded because venue sync replaced this laptop's check-in with the
 * hub's version ('resolved', see electron/sync/resolved-conflicts.ts). At start any stored
 * conflict without facts gets them (a crash between a write and this); after that every insert
 * that is not ingest's. Such conflicts count as arriving now.
 */
import type { RxDatabase } from 'rxdb';
import { runInStorageTransaction } from '../storage';
import { checkInTable } from './checkin-table';
import { INGEST_WRITE_CONTEXT } from './collections/checkins';
import { RESOLVED_CONFLICT_CONTEXT } from './collections/conflicts';
import type { GateOpsCollections } from './database-types';
import type { ConflictOrigin, LocalConflicts } from './local-conflicts';

type Db = RxDatabase<GateOpsCollections>;

export async function followPeerConflicts(db: Db, local: LocalConflicts): Promise<void> {
  const onSqlite = checkInTable(db.checkins) !== null;
  const transaction = <T>(fn: () => Promise<T>): Promise<T> =>
    onSqlite ? runInStorageTransaction(db, fn) : fn();
  let chain: Promise<void> = Promise.resolve();
  const adopt = (ids: readonly string[], origin: ConflictOrigin): Promise<void> =>
    (chain = chain.then(async () => {
      if (db.closed) return;
      const rows = await transaction(async () => {
        const now = Date.now();
        return local.record(ids.map((id) => ({ id, receivedAt: now, relaySeq: null, origin })));
      });
      local.publish(rows);
    }));

  if ((await db.conflicts.count().exec()) > local.count()) {
    const docs = await db.conflicts.find().exec();
    const known = local.has(docs.map((d) => d.id));
    await adopt(
      docs.map((d) => d.id).filter((id) => !known.has(id)),
      'peer',
    );
  }
  const subscription = db.conflicts.eventBulks$.subscribe((bulk) => {
    if (bulk.context === INGEST_WRITE_CONTEXT) return;
    const ids: string[] = [];
    for (const e of bulk.events) if (e.operation === 'INSERT') ids.push(e.documentId);
    const origin = bulk.context === RESOLVED_CONFLICT_CONTEXT ? 'resolved' : 'peer';
    if (ids.length > 0)
      void adopt(ids, origin).catch((error: unknown) => {
        process.emitWarning(`local facts for replicated conflicts failed: ${String(error)}`);
      });
  });
  db.onClose.push(async () => {
    subscription.unsubscribe();
    await chain.catch(() => undefined);
  });
}
