/**
 * Local facts for check-in documents that did not come through ingest: written by venue sync's
 * replication (or left without facts by a crash between a peer's write and this). At start any
 * stored document without local facts gets them; after that, every inserted document of a
 * write that is not ingest's. Such check-ins count as arriving now, from a peer.
 */
import type { RxDatabase } from 'rxdb';
import { runInStorageTransaction } from '../storage';
import { checkInTable } from './checkin-table';
import { INGEST_WRITE_CONTEXT, type CheckInDoc } from './collections/checkins';
import { describeChange } from './local-change';
import type { LocalCheckIns, LocalFacts } from './local-checkins';
import type { GateOpsCollections } from './database-types';

type Db = RxDatabase<GateOpsCollections>;
const PAGE = 2000;

export async function followPeerCheckIns(db: Db, local: LocalCheckIns): Promise<void> {
  const onSqlite = checkInTable(db.checkins) !== null;
  const transaction = <T>(fn: () => Promise<T>): Promise<T> =>
    onSqlite ? runInStorageTransaction(db, fn) : fn();
  let chain: Promise<void> = Promise.resolve();

  const adopt = (ids: readonly string[]): Promise<void> =>
    (chain = chain.then(async () => {
      if (db.closed) return;
      const change = await transaction(async () => {
        const known = local.get(ids);
        const fresh = ids.filter((id) => !known.has(id));
        if (fresh.length === 0) return null;
        const docs = (await db.checkins.storageInstance.findDocumentsById(
          fresh,
          false,
        )) as CheckInDoc[];
        const now = Date.now();
        const facts = (): LocalFacts => ({ receivedAt: now, relaySeq: null, origin: 'peer' });
        return describeChange(db.checkins, local, docs, local.record(docs, facts));
      });
      if (change) local.publish(change);
    }));

  for await (const ids of missingPages(db, local)) await adopt(ids);
  const subscription = db.checkins.eventBulks$.subscribe((bulk) => {
    if (bulk.context === INGEST_WRITE_CONTEXT) return;
    const ids: string[] = [];
    for (const e of bulk.events) if (e.operation === 'INSERT') ids.push(e.documentId);
    if (ids.length > 0)
      void adopt(ids).catch((error: unknown) => {
        process.emitWarning(`local facts for replicated check-ins failed: ${String(error)}`);
      });
  });
  db.onClose.push(async () => {
    subscription.unsubscribe();
    await chain.catch(() => undefined);
  });
}

/** Ids of stored documents without local facts, a page at a time (nothing when counts agree). */
async function* missingPages(db: Db, local: LocalCheckIns): AsyncGenerator<string[]> {
  const table = checkInTable(db.checkins);
  if (table) {
    const counted = table.sql
      .prepare(`SELECT count(*) AS n FROM ${table.table} WHERE deleted = 0`)
      .get() as { n: number };
    if (Number(counted.n) <= local.count()) return;
    const ids = table.sql
      .prepare(
        `SELECT id FROM ${table.table} WHERE deleted = 0 AND id NOT IN (SELECT id FROM checkin_local)`,
      )
      .all()
      .map((r) => String(r['id']));
    for (let i = 0; i < ids.length; i += PAGE) yield ids.slice(i, i + PAGE);
    return;
  }
  // Other storages (tests): walk the primary key.
  let after = '';
  for (;;) {
    const docs = await db.checkins
      .find({ selector: { id: { $gt: after } }, sort: [{ id: 'asc' }], limit: PAGE })
      .exec();
    const ids = docs.map((d) => d.id);
    const known = local.get(ids);
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0) yield missing;
    if (docs.length < PAGE) return;
    after = ids[ids.length - 1]!;
  }
}
