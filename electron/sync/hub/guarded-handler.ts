/**
 * The hub's side of RxDB's replication protocol for one collection: RxDB's own storage
 * replication handler (`rxStorageInstanceToReplicationHandler`: checkpointed reads, the change
 * stream, conflict-checked writes) behind a guard that makes the collection append-only for
 * peers. Every pushed document is validated first (one invalid document refuses the whole push);
 * a document the hub already holds identically is accepted as done (a check-in that reached two
 * laptops from the relay is one check-in); one it holds differently is answered with the hub's
 * version as a conflict and never overwritten. Only documents the hub does not have yet reach
 * RxDB's masterWrite, which inserts them.
 *
 * Each peer writes through its own handler, whose storage writes carry that peer as their
 * context; the change stream says which peer's push (if any) each change came from, so the hub
 * can leave a peer's own pushes out of what it sends back to that peer (it holds them already:
 * sending them back only costs both sides a parse, a validation and two reads per document).
 */
import {
  deepEqual,
  getUnderlyingPersistentStorage,
  rxStorageInstanceToReplicationHandler,
  writeDocToDocState,
  type RxCollection,
  type RxReplicationHandler,
  type RxReplicationWriteToMasterRow,
  type RxStorageInstance,
  type WithDeleted,
} from 'rxdb';
import { map, share, type Observable } from 'rxjs';
import { validatePushedDocument, type SyncCollectionName } from '../sync-collections';

export interface Checkpoint {
  readonly id: string;
  readonly lwt: number;
}

export interface PullBatch {
  readonly documents: ReadonlyArray<Record<string, unknown>>;
  readonly checkpoint: Checkpoint | null;
}

export interface ChangeBatch extends PullBatch {
  /** The peer whose push wrote these documents; null for the hub's own writes. */
  readonly origin: string | null;
}

export class InvalidPushError extends Error {
  override readonly name = 'InvalidPushError';
}

export interface PushRow {
  readonly newDocumentState: Record<string, unknown>;
  readonly assumedMasterState?: Record<string, unknown>;
}

/** Writes pushed by one peer (its storage writes are tagged with it). */
export type PushWriter = (rows: ReadonlyArray<PushRow>) => Promise<Array<Record<string, unknown>>>;

export interface GuardedHandler {
  readonly name: SyncCollectionName;
  changesSince(checkpoint: Checkpoint | null, limit: number): Promise<PullBatch>;
  /**
   * The writer for one peer's pushes: returns the hub's version of every document that
   * conflicts; throws InvalidPushError.
   */
  writerFor(origin: string): PushWriter;
  /** Every change, once for all peers, with the peer it came from. */
  readonly changes$: Observable<ChangeBatch>;
}

/** Storage-write context of a peer's push: the change event carries it back. */
const PUSH_CONTEXT = 'venue-sync-push:';

/** Whether a storage write (by its context) is a peer's push stored by the hub. */
export function isPeerPush(context: string): boolean {
  return context.startsWith(PUSH_CONTEXT);
}

type AnyInstance = RxStorageInstance<Record<string, unknown>, unknown, unknown, Checkpoint>;

export function guardedHandler(
  name: SyncCollectionName,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collection: RxCollection<any>,
): GuardedHandler {
  const storage = getUnderlyingPersistentStorage(
    collection.storageInstance as unknown as AnyInstance,
  );
  const handlerOf = (
    instance: AnyInstance,
  ): RxReplicationHandler<Record<string, unknown>, Checkpoint> =>
    rxStorageInstanceToReplicationHandler(
      instance,
      collection.conflictHandler,
      collection.database.token,
    );
  const reader = handlerOf(storage);
  const primary = collection.schema.primaryPath as string;
  const hasAttachments = !!storage.schema.attachments;
  // The same mapping as RxDB's masterChangeStream$ (document states without _meta/_rev), done
  // once for every peer, plus the write's origin, which masterChangeStream$ does not carry.
  const changes$ = storage.changeStream().pipe(
    map((bulk): ChangeBatch => ({
      documents: bulk.events.map((e) => writeDocToDocState(e.documentData, hasAttachments, false)),
      checkpoint: (bulk.checkpoint as Checkpoint | undefined) ?? null,
      origin: bulk.context.startsWith(PUSH_CONTEXT)
        ? bulk.context.slice(PUSH_CONTEXT.length)
        : null,
    })),
    share(),
  );
  return {
    name,
    async changesSince(checkpoint, limit) {
      const r = await reader.masterChangesSince(checkpoint ?? undefined, limit);
      return { documents: r.documents, checkpoint: r.checkpoint ?? null };
    },
    changes$,
    writerFor(origin) {
      const writer = handlerOf(withWriteContext(storage, PUSH_CONTEXT + origin));
      return (rows) => guardedWrite(rows);
      async function guardedWrite(
        rows: ReadonlyArray<PushRow>,
      ): Promise<Array<Record<string, unknown>>> {
        const byId = new Map<string, PushRow>();
        for (const row of rows) {
          const v = validatePushedDocument(name, row.newDocumentState);
          if (!v.ok) throw new InvalidPushError(v.error);
          byId.set(String(row.newDocumentState[primary]), row);
        }
        const stored = await storage.findDocumentsById([...byId.keys()], true);
        const conflicts: Array<Record<string, unknown>> = [];
        for (const doc of stored) {
          const id = String((doc as Record<string, unknown>)[primary]);
          const row = byId.get(id);
          byId.delete(id);
          if (!row) continue;
          const master = plainState(doc as unknown as Record<string, unknown>);
          if (!deepEqual(master, row.newDocumentState)) conflicts.push(master);
        }
        if (byId.size > 0) {
          const inserts: RxReplicationWriteToMasterRow<Record<string, unknown>>[] = [
            ...byId.values(),
          ].map((r) => ({
            newDocumentState: r.newDocumentState as WithDeleted<Record<string, unknown>>,
          }));
          // A race with another laptop's insert of the same id comes back as a conflict here.
          const raced = await writer.masterWrite(inserts);
          for (const doc of raced) {
            const state = plainState(doc as Record<string, unknown>);
            const mine = byId.get(String(state[primary]));
            if (!mine || !deepEqual(state, mine.newDocumentState)) conflicts.push(state);
          }
        }
        return conflicts;
      }
    },
  };
}

/**
 * The storage instance with every bulkWrite tagged with `context` (RxDB's masterWrite passes a
 * fixed one); everything else is the instance itself.
 */
function withWriteContext(instance: AnyInstance, context: string): AnyInstance {
  return new Proxy(instance, {
    get(target, prop) {
      if (prop === 'bulkWrite') {
        return (rows: Parameters<AnyInstance['bulkWrite']>[0]) => target.bulkWrite(rows, context);
      }
      // Already the underlying storage: RxDB must not unwrap past this proxy.
      if (prop === 'underlyingPersistentStorage') return undefined;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/** The document as the protocol carries it: fields and `_deleted`, no `_meta`/`_rev`/`_attachments`. */
function plainState(doc: Record<string, unknown>): Record<string, unknown> {
  const { _meta: _m, _rev: _r, _attachments: _a, ...rest } = doc;
  return rest;
}
