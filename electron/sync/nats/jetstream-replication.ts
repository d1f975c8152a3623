/**
 * RxDB's replication engine (`replicateRxCollection`: checkpoints, batching, retries, conflict
 * handling) over a JetStream stream, with our own pull and push (RxDB's replication-nats plugin
 * does one pair of server requests per pushed document, creates a consumer per pull with an
 * option set the server refuses, and cannot carry ids that are not one subject token; see
 * docs/sync.md and the benchmark):
 * - push: every row of a batch is published at once (pipelined, one round trip for the batch)
 *   with `Nats-Expected-Last-Subject-Sequence`, 0 for a new document, so two laptops pushing the
 *   same document cannot both win; the loser gets the stored document back as the conflict.
 * - pull: a gap-free ordered consumer from the checkpoint's stream sequence (StreamTail); the
 *   same reader feeds the live stream once caught up.
 * Documents from the stream are checked (id matches the subject, the collection's own check)
 * before RxDB stores them; a bad one is counted and skipped, never stored.
 */
import { type JetStreamClient, type JetStreamManager, JetStreamApiError } from '@nats-io/jetstream';
import { Subject } from 'rxjs';
import type { RxReplicationPullStreamItem, RxReplicationWriteToMasterRow, WithDeleted } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { randomBytes } from 'node:crypto';
import { headers } from '@nats-io/transport-node';
import { ORIGIN_HEADER, StreamTail, type TailMessage } from './stream-tail';
import type { SyncCollection } from './sync-collection';
import { collectionFilter, docSubject, parseDocSubject } from './venue-naming';

export interface NatsCheckpoint {
  readonly seq: number;
}

export interface CollectionCounters {
  pulled: number;
  pushed: number;
  /** Pushes another laptop had already made (same document, or a different one: a conflict). */
  alreadyThere: number;
  rejected: number;
  lastPullAt: number | null;
  lastPushAt: number | null;
  lastRejectReason: string | null;
}

export interface CollectionReplicationOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  /** Stream creation time: part of the replication id, so a re-created stream starts over. */
  readonly streamCreated: string;
  readonly spec: SyncCollection;
  /** The venue a laptop pushes to; null: pull only (the operations centre). */
  readonly pushVenue: string | null;
  /** The venues read: one venue, or `*` for the central stream. */
  readonly readVenue: string | '*';
  readonly pullBatchSize?: number;
  readonly pushBatchSize?: number;
  readonly retryTimeMs?: number;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

const WRONG_LAST_SEQUENCE = 10071;
const PULL_TIMEOUT_MS = 60_000;

export interface CollectionReplication {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly state: RxReplicationState<any, NatsCheckpoint>;
  readonly counters: CollectionCounters;
  /** Ask the engine to check the stream again (after a reconnect). */
  resync(): void;
  stop(): Promise<void>;
}

export function startCollectionReplication(o: CollectionReplicationOptions): CollectionReplication {
  const { js, jsm, stream, spec } = o;
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => undefined);
  const primaryPath = spec.collection.schema.primaryPath as string;
  const pullBatchSize = o.pullBatchSize ?? 500;
  const filter = collectionFilter(o.readVenue, spec.name);
  const tail = new StreamTail(js, stream, filter, pullBatchSize * 4);
  const counters: CollectionCounters = {
    pulled: 0,
    pushed: 0,
    alreadyThere: 0,
    rejected: 0,
    lastPullAt: null,
    lastPushAt: null,
    lastRejectReason: null,
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pullStream$ = new Subject<RxReplicationPullStreamItem<any, NatsCheckpoint>>();
  let live = false;
  let flushScheduled = false;
  // Our own pushes come back on the pull side; RxDB already recorded them as the master state when
  // the push succeeded, so this run skips them (a new run reads them again: nothing is lost).
  const origin = randomBytes(9).toString('base64url');

  const reject = (m: TailMessage, reason: string): void => {
    counters.rejected++;
    if (counters.lastRejectReason !== reason)
      log(`NATS sync: skipped a ${spec.name} document at ${m.subject}: ${reason}`);
    counters.lastRejectReason = reason;
  };

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const decode = (batch: readonly TailMessage[]): WithDeleted<any>[] => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const docs: WithDeleted<any>[] = [];
    for (const m of batch) {
      if (m.origin === origin) continue;
      const where = parseDocSubject(m.subject);
      if (!where || where.collection !== spec.name) {
        reject(m, 'not a document subject');
        continue;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(new TextDecoder().decode(m.data));
      } catch {
        reject(m, 'not JSON');
        continue;
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
        reject(m, 'not a JSON object');
        continue;
      }
      const record = doc as Record<string, unknown>;
      if (record[primaryPath] !== where.docId) {
        reject(m, 'its id does not match its subject');
        continue;
      }
      if (record['_deleted'] !== true && record['_deleted'] !== false) {
        reject(m, 'no _deleted flag');
        continue;
      }
      if (spec.appendOnly && record['_deleted'] === true) {
        reject(m, 'documents are append-only (deleted)');
        continue;
      }
      const { _deleted, ...body } = record;
      const reason = spec.validate?.(body) ?? null;
      if (reason) {
        reject(m, reason);
        continue;
      }
      docs.push({ ...body, _deleted } as WithDeleted<unknown>);
    }
    return docs;
  };

  const lastSeqOnFilter = async (): Promise<number> => {
    try {
      const m = await jsm.streams.getMessage(stream, { last_by_subj: filter });
      return m?.seq ?? 0;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === 404) return 0;
      if (error instanceof JetStreamApiError && /no message found|not found/i.test(error.message))
        return 0;
      throw error;
    }
  };

  const flushLive = (): void => {
    flushScheduled = false;
    while (live && tail.buffered > 0) {
      const batch = tail.take(pullBatchSize);
      const documents = decode(batch);
      if (documents.length === 0) continue;
      counters.pulled += documents.length;
      counters.lastPullAt = now();
      pullStream$.next({ documents, checkpoint: { seq: batch[batch.length - 1]!.seq } });
    }
  };
  tail.onArrival = () => {
    if (live && !flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flushLive);
    }
    if (tail.error) {
      log(`NATS sync: reading ${spec.name} stopped (${tail.error.message}); starting over`);
      live = false;
      pullStream$.next('RESYNC');
    }
  };

  const pullHandler = async (checkpoint: NatsCheckpoint | undefined, batchSize: number) => {
    live = false;
    const from = checkpoint?.seq ?? 0;
    if (tail.position !== from || tail.error) tail.restart(from + 1);
    const target = await lastSeqOnFilter();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const documents: WithDeleted<any>[] = [];
    let last = from;
    // Fewer than batchSize documents tells the engine it has caught up: return fewer only when the
    // reader has reached the stream's end (skipped and rejected messages do not count).
    while (documents.length < batchSize) {
      const want = batchSize - documents.length;
      await tail.waitUntil(
        () => tail.buffered >= want || tail.lastReceived >= target,
        PULL_TIMEOUT_MS,
      );
      const batch = tail.take(want);
      if (batch.length === 0) break;
      last = batch[batch.length - 1]!.seq;
      for (const d of decode(batch)) documents.push(d);
      if (tail.buffered === 0 && tail.lastReceived >= target) break;
    }
    if (documents.length < batchSize) {
      live = true;
      if (!flushScheduled) {
        flushScheduled = true;
        queueMicrotask(flushLive);
      }
    }
    counters.pulled += documents.length;
    counters.lastPullAt = now();
    return { documents, checkpoint: { seq: last } };
  };

  const storedState = async (
    subject: string,
  ): Promise<{ seq: number; doc: WithDeleted<unknown> } | null> => {
    let m;
    try {
      m = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === 404) return null;
      throw error;
    }
    if (!m) return null;
    return { seq: m.seq, doc: m.json() };
  };

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pushHandler = async (rows: RxReplicationWriteToMasterRow<any>[]) => {
    const venue = o.pushVenue!;
    const conflicts = await Promise.all(
      rows.map(async (row) => {
        const doc = row.newDocumentState as Record<string, unknown>;
        const subject = docSubject(venue, spec.name, String(doc[primaryPath]));
        let expected = 0;
        if (row.assumedMasterState) {
          const current = await storedState(subject);
          if (current) {
            if (
              !spec.collection.conflictHandler.isEqual(
                current.doc,
                row.assumedMasterState,
                'nats-push',
              )
            ) {
              return current.doc;
            }
            expected = current.seq;
          }
        }
        // nats.js adds its expect headers to the object given: one per publish.
        const h = headers();
        h.set(ORIGIN_HEADER, origin);
        const { _attachments: _drop, ...plain } = doc;
        void _drop;
        try {
          await js.publish(subject, JSON.stringify(plain), {
            expect: { lastSubjectSequence: expected },
          });
          counters.pushed++;
          return null;
        } catch (error) {
          if (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE) {
            counters.alreadyThere++;
            const current = await storedState(subject);
            if (current) return current.doc;
          }
          throw error;
        }
      }),
    );
    counters.lastPushAt = now();
    return conflicts.filter((c) => c !== null);
  };

  const state = replicateRxCollection<unknown, NatsCheckpoint>({
    replicationIdentifier: `nats:${stream}:${o.streamCreated}:${spec.name}`,
    collection: spec.collection,
    deletedField: '_deleted',
    live: true,
    retryTime: o.retryTimeMs ?? 2000,
    waitForLeadership: false,
    autoStart: true,
    pull: { handler: pullHandler, batchSize: pullBatchSize, stream$: pullStream$.asObservable() },
    ...(o.pushVenue ? { push: { handler: pushHandler, batchSize: o.pushBatchSize ?? 500 } } : {}),
  });

  return {
    state,
    counters,
    resync: () => {
      live = false;
      pullStream$.next('RESYNC');
    },
    async stop() {
      live = false;
      tail.stop();
      await state.cancel();
      pullStream$.complete();
    },
  };
}
