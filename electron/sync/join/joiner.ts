/**
 * A joined laptop's replication: RxDB's `replicateRxCollection` for each synced collection, with
 * the pull and push handlers carried over the hub link. RxDB does the checkpoints, batching,
 * retries and conflict handling; this file only moves its requests and checks what the hub sends
 * (the same validation the hub applies to pushes). The replication identifier includes the
 * hub's identity, so joining another hub (failover) starts checkpoints over cleanly instead of
 * resuming a checkpoint that belongs to a different store.
 */
import {
  setCheckpoint,
  type RxCollection,
  type RxReplicationWriteToMasterRow,
  type WithDeleted,
} from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { Subject, filter, firstValueFrom, type Subscription } from 'rxjs';
import type { Checkpoint } from '../hub/guarded-handler';
import { validatePushedDocument, type SyncCollectionName } from '../sync-collections';
import { pullResultSchema, pushResultSchema } from '../wire/frames';
import { HubRequestError, type HubLink } from './hub-link';
import { PullAhead, type PulledBatch } from './pull-ahead';
import { PulledCheck, checkTogether } from './pulled-check';

type AnyDoc = Record<string, unknown>;
/** Pulled documents validated in one go before the event loop gets a turn. */
const VALIDATION_STEP = 250;
/**
 * Pulled batches at least this big are checked on the worker thread (an initial sync's are
 * 2,000); smaller ones, live catch-up after a short drop, here, without the round trip.
 */
const WORKER_BATCH_MIN = 200;
type Replication = RxReplicationState<AnyDoc, Checkpoint>;

export interface JoinerOptions {
  readonly link: HubLink;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly collections: Readonly<Partial<Record<SyncCollectionName, RxCollection<any>>>>;
  readonly pullBatchSize?: number;
  readonly pushBatchSize?: number;
  /** Wait between retries of a failed request (RxDB's retryTime). */
  readonly retryMs?: number;
  readonly log?: (line: string) => void;
  /**
   * A document of this laptop that RxDB's conflict handler replaced with the hub's version
   * (`lost` as pushed, `kept` as now stored), so the caller can record what was lost.
   */
  readonly onResolved?: (name: SyncCollectionName, lost: AnyDoc, kept: AnyDoc) => void;
  /** Checks big pulled batches off the main thread (default: one of its own, stopped with it). */
  readonly pulledCheck?: PulledCheck;
}

/**
 * Stores `checkpoint` as the replication's downstream checkpoint once everything the hub sent
 * before it is persisted: a change frame without documents says the hub's changes up to there
 * are this laptop's own pushes, which it holds. (RxDB skips a stream event with no documents
 * without storing its checkpoint; without this, a laptop whose data all comes from its own relay
 * would keep an old checkpoint, show itself behind the hub and, after a restart, pull all its
 * own documents back.) The wait follows RxDB's own order for stream events: after a running
 * push, then after every downstream task queued before it.
 */
async function moveDownCheckpoint(replication: Replication, checkpoint: Checkpoint): Promise<void> {
  const state = replication.internalReplicationState;
  if (!state) return;
  try {
    await firstValueFrom(state.events.active.up.pipe(filter((active) => !active)));
    await state.streamQueue.down;
    if (state.events.canceled.getValue()) return;
    await setCheckpoint(state, 'down', checkpoint);
  } catch {
    // Replication cancelled meanwhile (the link went): the next pull starts from the stored one.
  }
}

export class Joiner {
  private replications = new Map<SyncCollectionName, Replication>();
  /** Subscriptions that belong to the current replications (dropped with them). */
  private replicationSubs: Subscription[] = [];
  /** The current replications' read-ahead pullers (forgotten when the link goes down). */
  private pullers: PullAhead[] = [];
  private replicationId: string | null = null;
  private readonly subs: Subscription[] = [];
  private switching: Promise<void> = Promise.resolve();
  private readonly errors = new Subject<string>();
  readonly errors$ = this.errors.asObservable();
  private readonly pulledCheck: PulledCheck;
  private readonly ownsPulledCheck: boolean;

  constructor(private readonly options: JoinerOptions) {
    this.pulledCheck = options.pulledCheck ?? new PulledCheck(options.log);
    this.ownsPulledCheck = options.pulledCheck === undefined;
    this.subs.push(
      options.link.state$.subscribe((s) => {
        if (s.kind === 'live') this.onLive(s.replicationId);
        else this.onDown();
      }),
    );
  }

  /** The replication of one collection, while one runs (tests and status read it). */
  replication(c: SyncCollectionName): Replication | undefined {
    return this.replications.get(c);
  }

  /** Resolves when every replication has nothing left to pull or push. */
  async awaitInSync(): Promise<void> {
    await this.switching;
    await Promise.all([...this.replications.values()].map((r) => r.awaitInSync()));
  }

  private onLive(replicationId: string): void {
    this.switching = this.switching.then(async () => {
      if (this.replicationId !== replicationId) {
        // Another hub (or the first): replications of the old one are cancelled; their
        // checkpoints stay in their own meta collections, keyed by the old hub's identity.
        await this.cancelAll();
        this.replicationId = replicationId;
        for (const [name, collection] of Object.entries(this.options.collections)) {
          if (!collection) continue;
          this.replications.set(
            name as SyncCollectionName,
            this.replicate(name as SyncCollectionName, collection),
          );
        }
        await Promise.all([...this.replications.values()].map((r) => r.start()));
      } else {
        // Started already: RxDB's start() is then a resync from the stored checkpoint.
        await Promise.all([...this.replications.values()].map((r) => r.start()));
      }
    });
  }

  private onDown(): void {
    // Change events are not heard while the link is down: nothing read ahead may be used after.
    for (const p of this.pullers) p.reset();
    // The replications are NOT paused: RxDB answers a paused pull with an empty batch, which
    // ends a running pull as if the hub had nothing more, and then applies a change event it
    // had queued meanwhile, storing that event's checkpoint, past every batch not pulled yet:
    // those documents would never be pulled (not even after a restart). Left running, the
    // request in flight fails and RxDB retries it (every retryTime, a rejected promise while
    // the link is down) until the link is back, and the pull goes on where it was. `onLive`
    // then asks RxDB to resync, for what the hub wrote meanwhile.
  }

  private replicate(
    name: SyncCollectionName,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    collection: RxCollection<any>,
  ): Replication {
    const { link } = this.options;
    const refuse = (what: string, error: string): never => {
      const message = `the hub sent a ${what} that breaks the schema (${error})`;
      this.errors.next(message);
      throw new HubRequestError(message);
    };
    const checked = (docs: ReadonlyArray<AnyDoc>, what: string): Array<WithDeleted<AnyDoc>> => {
      for (const d of docs) {
        const v = validatePushedDocument(name, d);
        if (!v.ok) refuse(what, v.error);
      }
      return docs as Array<WithDeleted<AnyDoc>>;
    };
    /**
     * The same for a pulled batch, a slice at a time with a turn of the event loop between, so
     * the next batch (read ahead) keeps arriving (TLS, inflating, parsing) while this one is
     * checked: one synchronous pass over thousands of documents would hold it up.
     */
    const checkedInSteps = async (
      docs: ReadonlyArray<AnyDoc>,
    ): Promise<Array<WithDeleted<AnyDoc>>> => {
      for (let i = 0; i < docs.length; i += VALIDATION_STEP) {
        if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        checked(docs.slice(i, i + VALIDATION_STEP), 'document');
      }
      return docs as Array<WithDeleted<AnyDoc>>;
    };
    /**
     * Pulled documents handed to RxDB and writes of this collection stored since it began: when
     * every handed document is stored, this thread has nothing of the pull left to write (RxDB
     * asks for the next batch at once and writes the ones it got meanwhile).
     */
    let handed = 0;
    let stored = 0;
    let drained: Array<() => void> = [];
    this.replicationSubs.push(
      collection.storageInstance.changeStream().subscribe((bulk) => {
        stored += bulk.events.length;
        if (stored < handed) return;
        for (const resolve of drained) resolve();
        drained = [];
      }),
    );
    const nothingToWrite = (): Promise<void> =>
      stored >= handed ? Promise.resolve() : new Promise((resolve) => drained.push(resolve));
    /**
     * A pulled batch, checked on the worker thread when it is big enough and the worker runs,
     * together with this thread: once this thread runs out of writes, it checks the batch from
     * the end back until it meets what the worker found fine (`checkTogether`), so it never
     * idles waiting for the worker and never checks the worker's part again. A refusal from
     * either refuses the batch.
     */
    const checkedPull = async (batch: PulledBatch): Promise<Array<WithDeleted<AnyDoc>>> => {
      const docs = batch.documents as Array<WithDeleted<AnyDoc>>;
      if (batch.text === undefined || docs.length < WORKER_BATCH_MIN) return checkedInSteps(docs);
      const job = this.pulledCheck.check(name, batch.text, docs.length);
      const problem = await checkTogether(
        docs.length,
        job,
        nothingToWrite(),
        (from, to) => {
          for (let i = from; i < to; i++) {
            const v = validatePushedDocument(name, docs[i]);
            if (!v.ok) return v.error;
          }
          return null;
        },
        VALIDATION_STEP,
      );
      if (problem !== null) refuse('document', problem);
      return docs;
    };
    const handOver = (docs: Array<WithDeleted<AnyDoc>>): Array<WithDeleted<AnyDoc>> => {
      handed += docs.length;
      return docs;
    };
    const stream$ = new Subject<
      { documents: Array<WithDeleted<AnyDoc>>; checkpoint: Checkpoint } | 'RESYNC'
    >();
    let replication: Replication | null = null;
    const puller = new PullAhead(
      async (checkpoint, limit) => {
        const { result, text } = await link.requestWithText({
          t: 'pull',
          c: name,
          checkpoint,
          limit,
        });
        return { ...pullResultSchema.parse(result), text };
      },
      async (batch) => ({
        documents: handOver(await checkedPull(batch)),
        checkpoint: batch.checkpoint,
      }),
    );
    this.pullers.push(puller);
    this.replicationSubs.push(
      link.changes(name).subscribe((f) => {
        puller.changeArrived();
        try {
          if (f.checkpoint === null) return;
          if (f.documents.length === 0) {
            // Our own pushes, which the hub leaves out of what it sends us: only the checkpoint.
            if (replication) void moveDownCheckpoint(replication, f.checkpoint);
            return;
          }
          stream$.next({ documents: checked(f.documents, 'change'), checkpoint: f.checkpoint });
        } catch {
          // Not applied: the next pull (from the last stored checkpoint) will see it again.
          stream$.next('RESYNC');
        }
      }),
    );
    replication = replicateRxCollection<AnyDoc, Checkpoint>({
      replicationIdentifier: `venue-sync/${this.replicationId}/${name}`,
      collection,
      live: true,
      autoStart: false,
      waitForLeadership: false,
      retryTime: this.options.retryMs ?? 2000,
      pull: {
        batchSize: this.options.pullBatchSize ?? 2000,
        stream$: stream$.asObservable(),
        handler: async (checkpoint, batchSize) => {
          const r = await puller.pull(checkpoint ?? null, batchSize);
          return {
            documents: r.documents as Array<WithDeleted<AnyDoc>>,
            checkpoint: (r.checkpoint ?? checkpoint ?? undefined) as Checkpoint,
          };
        },
      },
      push: {
        batchSize: this.options.pushBatchSize ?? 500,
        handler: async (rows: RxReplicationWriteToMasterRow<AnyDoc>[]) => {
          const raw = await link.request({
            t: 'push',
            c: name,
            rows: rows.map((r) =>
              r.assumedMasterState
                ? { newDocumentState: r.newDocumentState, assumedMasterState: r.assumedMasterState }
                : { newDocumentState: r.newDocumentState },
            ),
          });
          return checked(pushResultSchema.parse(raw), 'conflict answer');
        },
      },
    });
    const { onResolved } = this.options;
    if (onResolved) {
      this.replicationSubs.push(
        replication.conflict$.subscribe((c) =>
          onResolved(name, c.input.newDocumentState as AnyDoc, c.output as AnyDoc),
        ),
      );
    }
    this.replicationSubs.push(
      replication.error$.subscribe((e) => {
        // While the link is down every retry fails; the link's own state says so, once.
        if (link.current.kind !== 'live') return;
        const inner = (e as { parameters?: { errors?: Array<{ message?: string }> } }).parameters
          ?.errors?.[0]?.message;
        this.options.log?.(`venue sync: ${name}: ${inner ?? e.message}`);
      }),
    );
    return replication;
  }

  private async cancelAll(): Promise<void> {
    for (const s of this.replicationSubs) s.unsubscribe();
    this.replicationSubs = [];
    for (const p of this.pullers) p.reset();
    this.pullers = [];
    await Promise.all([...this.replications.values()].map((r) => r.cancel()));
    this.replications.clear();
  }

  async stop(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    await this.switching.catch(() => undefined);
    await this.cancelAll();
    if (this.ownsPulledCheck) await this.pulledCheck.stop();
    this.errors.complete();
  }
}
