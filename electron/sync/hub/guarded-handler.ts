/**
 * The hub's side of RxDB's replication protocol for one collection: RxDB's own storage
 * replication handler (`rxStorageInstanceToReplicationHandler`: checkpointed reads, the change
 * stream, conflict-checked writes) behind a guard that makes the collection append-only for
 * peers. Every pushed document is validated first (one invalid document refuses the whole push);
 * a document the hub already holds identically is accepted as done (a check-in that reached two
 * laptops from the relay is one check-in); one it holds differently is answered with the hub's
 * version as a conflict and never overwritten. Only documents the hub does not have yet reach
 * RxDB's masterWrite, which inserts them.
 */
import {
  deepEqual,
  rxStorageInstanceToReplicationHandler,
  type RxCollection,
  type RxReplicationHandler,
  type RxReplicationWriteToMasterRow,
  type WithDeleted,
} from 'rxdb';
import { map, type Observable } from 'rxjs';
import { validatePushedDocument, type SyncCollectionName } from '../sync-collections';

export interface Checkpoint {
  readonly id: string;
  readonly lwt: number;
}

export interface ChangeBatch {
  readonly documents: ReadonlyArray<Record<string, unknown>>;
  readonly checkpoint: Checkpoint | null;
}

export class InvalidPushError extends Error {
  override readonly name = 'InvalidPushError';
}

export interface PushRow {
  readonly newDocumentState: Record<string, unknown>;
  readonly assumedMasterState?: Record<string, unknown>;
}

export interface GuardedHandler {
  readonly name: SyncCollectionName;
  changesSince(checkpoint: Checkpoint | null, limit: number): Promise<ChangeBatch>;
  /** Returns the hub's version of every document that conflicts; throws InvalidPushError. */
  write(rows: ReadonlyArray<PushRow>): Promise<Array<Record<string, unknown>>>;
  readonly changes$: Observable<ChangeBatch>;
}

export function guardedHandler(
  name: SyncCollectionName,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collection: RxCollection<any>,
): GuardedHandler {
  const handler: RxReplicationHandler<
    Record<string, unknown>,
    Checkpoint
  > = rxStorageInstanceToReplicationHandler(
    collection.storageInstance,
    collection.conflictHandler,
    collection.database.token,
  );
  const primary = collection.schema.primaryPath as string;
  const storage = collection.storageInstance;
  return {
    name,
    async changesSince(checkpoint, limit) {
      const r = await handler.masterChangesSince(checkpoint ?? undefined, limit);
      return { documents: r.documents, checkpoint: r.checkpoint ?? null };
    },
    changes$: handler.masterChangeStream$.pipe(
      map((ev) => {
        if (ev === 'RESYNC') return { documents: [], checkpoint: null };
        return { documents: ev.documents, checkpoint: ev.checkpoint ?? null };
      }),
    ),
    async write(rows) {
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
        const raced = await handler.masterWrite(inserts);
        for (const doc of raced) {
          const state = plainState(doc as Record<string, unknown>);
          const mine = byId.get(String(state[primary]));
          if (!mine || !deepEqual(state, mine.newDocumentState)) conflicts.push(state);
        }
      }
      return conflicts;
    },
  };
}

/** The document as the protocol carries it: fields and `_deleted`, no `_meta`/`_rev`/`_attachments`. */
function plainState(doc: Record<string, unknown>): Record<string, unknown> {
  const { _meta: _m, _rev: _r, _attachments: _a, ...rest } = doc;
  return rest;
}
