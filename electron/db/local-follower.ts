/**
 * Local facts for check-in documents that did not come through ingest: written by venue sync's
 * replication (or left without facts by a crash between a peer's write and this). Every inserted
 * document of a write that is not ingest's gets them as it is written; at start, the stored
 * documents left without them (a crash in between) are looked for in the background, off the
 * main thread (missing-facts-worker.ts: two counts over a million rows took 0.66 s of every
 * start at 1M stored). Such check-ins count as arriving now, from a peer.
 */
import type { RxDatabase } from 'rxdb';
import { runInStorageTransaction } from '../storage';
import { checkInTable } from './checkin-table';
import { INGEST_WRITE_CONTEXT, type CheckInDoc } from './collections/checkins';
import { describeChange } from './local-change';
import type { LocalCheckIns, LocalFacts } from './local-checkins';
import type { GateOpsCollections } from './database-types';
import { findMissingFacts } from './missing-facts-worker';

type Db = RxDatabase<GateOpsCollections>;
const PAGE = 2000;

/** Settles once the start-up search for documents without local facts has adopted them. */
const caughtUp = new WeakMap<object, Promise<void>>();

/**
 * Resolves when the documents stored without local facts at start have them (at once on a
 * database not followed). A failure was reported as a process warning; this still resolves.
 */
export function peerFactsCaughtUp(db: object): Promise<void> {
  return caughtUp.get(db) ?? Promise.resolve();
}

export async function followPeerCheckIns(db: Db, local: LocalCheckIns): Promise<void> {
  const onSqlite = checkInTable(db.checkins) !== null;
  const transaction = <T>(fn: () => Promise<T>): Promise<T> =>
    onSqlite ? runInStorageTransaction(db, fn) : fn();
  let chain: Promise<void> = Promise.resolve();

  /**
   * Records local facts for the documents of `ids` that have none yet. `written` are the
   * documents as the committed write stored them (from its change event): no need to read them
   * back; without them (documents found at start) they are read.
   */
  const adopt = (
    ids: readonly string[],
    written?: ReadonlyMap<string, CheckInDoc>,
  ): Promise<void> =>
    (chain = chain.then(async () => {
      if (db.closed) return;
      const change = await transaction(async () => {
        const known = local.get(ids);
        const fresh = ids.filter((id) => !known.has(id));
        if (fresh.length === 0) return null;
        const docs = written
          ? fresh.map((id) => written.get(id)!)
          : ((await db.checkins.storageInstance.findDocumentsById(fresh, false)) as CheckInDoc[]);
        const now = Date.now();
        const facts = (): LocalFacts => ({ receivedAt: now, relaySeq: null, origin: 'peer' });
        return describeChange(db.checkins, local, docs, local.record(docs, facts));
      });
      if (change) local.publish(change);
    }));

  const subscription = db.checkins.eventBulks$.subscribe((bulk) => {
    if (bulk.context === INGEST_WRITE_CONTEXT) return;
    const written = new Map<string, CheckInDoc>();
    for (const e of bulk.events) {
      if (e.operation === 'INSERT') written.set(e.documentId, e.documentData as CheckInDoc);
    }
    if (written.size > 0)
      void adopt([...written.keys()], written).catch((error: unknown) => {
        process.emitWarning(`local facts for replicated check-ins failed: ${String(error)}`);
      });
  });
  let stopped = false;
  const search = new AbortController();
  const atStart = (async () => {
    for await (const ids of missingPages(db, local, search.signal)) {
      if (stopped) return;
      await adopt(ids);
    }
  })().catch((error: unknown) => {
    if (!stopped) process.emitWarning(`local facts for stored check-ins failed: ${String(error)}`);
  });
  caughtUp.set(db, atStart);
  db.onClose.push(async () => {
    stopped = true;
    search.abort();
    subscription.unsubscribe();
    await atStart;
    await chain.catch(() => undefined);
  });
}

/** Ids of stored documents without local facts, a page at a time. */
async function* missingPages(
  db: Db,
  local: LocalCheckIns,
  signal: AbortSignal,
): AsyncGenerator<string[]> {
  const table = checkInTable(db.checkins);
  if (table) {
    const ids = await findMissingFacts(table, signal);
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
