/**
 * The ingest pipeline: the relay client's sink. Each message is classified on arrival and queued;
 * batches (up to `batchSize` messages, or whatever arrived within `batchWindowMs` of the first)
 * are committed one at a time by commitBatch. The queue is bounded in effect: above `highWater`
 * messages push() answers false and the relay client stops reading from its socket until the
 * queue falls under half of it ('drain'), so a slow store slows the relay, not our memory.
 *
 * Cursors: the rule is CursorRule's (cursor-rule.ts), applied once per message as it is accepted;
 * each queued message carries the cursor state after it, and a commit persists that of its last
 * message, so the persisted cursor only covers committed messages. The in-process resume point is
 * the cursor of what is *accepted* here: what is queued will be committed by this process, or, if
 * it dies, replayed from the persisted cursor on the next start (replays are recognised at commit,
 * see batch-commit.ts).
 */
import { EventEmitter } from 'node:events';
import {
  classify,
  DEFAULT_MAX_MESSAGE_BYTES,
  type Classification,
  type JsonObject,
} from '../../shared/contract';
import {
  readIngestTotals,
  writeIngestTotals,
  type GateOpsDatabase,
  type IngestTotals,
  type StoreTransaction,
} from '../db';
import type { RelaySink } from '../relay';
import { commitBatch, type BatchResult, type IncomingMessage } from './batch-commit';
import { CursorRule } from './cursor-rule';
import { classifyStoreError, type StoreFaultInfo } from './store-fault';
import { isSameRelay, relayIdentityAsync } from './relay-identity';

export interface BatchCommitted extends BatchResult {
  readonly committedAt: number;
}

export interface IngestEvents {
  /** After every commit: the new check-in docs, the batch's counts, the totals and cursor. */
  'batch-committed': [BatchCommitted];
  /** A commit failed; the batch is kept and retried. */
  'commit-error': [Error];
  /** Saving fails (every failed attempt): what, since when, what waits, when the next try is. */
  'store-fault': [StoreFault];
  /** Saving works again after a fault: everything that waited is committed (or committing). */
  'store-recovered': [{ readonly since: number; readonly at: number }];
}

/** The store cannot save: reading from the relay is paused until it can again. */
export interface StoreFault extends StoreFaultInfo {
  /** When saving first failed (this episode). */
  readonly since: number;
  readonly attempts: number;
  /** When the next attempt is due; null: no more attempts (a damaged file is not written). */
  readonly nextRetryAt: number | null;
  /** Check-ins received and not saved yet (the relay holds the rest: reading is paused). */
  readonly waiting: number;
}

export interface IngestOptions {
  readonly db: GateOpsDatabase;
  /** Makes a batch and its state doc one commit; default: run the writes as they come. */
  readonly transaction?: StoreTransaction;
  /**
   * Most messages per commit (default 2000). Live traffic commits in small batches anyway (group
   * commit: what arrived during the previous commit); the cap matters when catching up, where a
   * commit's fixed cost (WAL append + fsync) is better shared by many messages.
   */
  readonly batchSize?: number;
  /** How long the first message of a quiet period waits for company (default 10 ms). */
  readonly batchWindowMs?: number;
  /** Queued messages above which push() asks the relay client to pause. */
  readonly highWater?: number;
  /**
   * Queued message text (characters) above which push() asks the relay client to pause too
   * (default 64 Mi): 10,000 messages of up to 64 KiB each would not be a memory bound.
   */
  readonly highWaterBytes?: number;
  readonly maxMessageBytes?: number;
  /** First wait before retrying a failed commit (doubles up to 5 s; default 50 ms). */
  readonly retryDelayMs?: number;
  readonly now?: () => number;
  /**
   * The relay this pipeline reads from (its URL, or 'demo'). When the stored cursor belongs to
   * another relay it is not resumed from: the new relay starts from its beginning (the store
   * dedupes what was already seen) and its own sequences become the cursor. Stored as a
   * digested identity, never the URL's credentials (relay-identity.ts).
   */
  readonly relay?: string;
}

const direct: StoreTransaction = (fn) => fn();

export class IngestPipeline extends EventEmitter<IngestEvents> implements RelaySink {
  private readonly db: GateOpsDatabase;
  private readonly transaction: StoreTransaction;
  private readonly batchSize: number;
  private readonly windowMs: number;
  private readonly highWater: number;
  private readonly highWaterBytes: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly retryMs: number;
  private committed: IngestTotals;
  private readonly cursorRule: CursorRule;
  private queue: IncomingMessage[] = [];
  private head = 0;
  /** Text length of the queued messages (what they hold in memory, roughly). */
  private queuedChars = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private aboveHighWater = false;
  private closed = false;
  private failures = 0;
  private readonly drainListeners = new Set<() => void>();
  private readonly fullListeners = new Set<() => void>();
  /** Most messages ever queued at once: tests check memory stays bounded. */
  peakQueued = 0;
  lastError: Error | null = null;
  private faultNow: StoreFault | null = null;
  /** A damaged file: nothing more is written to it (the queue is kept, the relay paused). */
  private stoppedWriting = false;

  private constructor(options: IngestOptions, totals: IngestTotals) {
    super();
    this.db = options.db;
    this.transaction = options.transaction ?? direct;
    this.batchSize = options.batchSize ?? 2000;
    this.windowMs = options.batchWindowMs ?? 10;
    this.highWater = options.highWater ?? 10_000;
    this.highWaterBytes = options.highWaterBytes ?? 64 * 1024 * 1024;
    this.maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.now = options.now ?? Date.now;
    this.retryMs = options.retryDelayMs ?? 50;
    this.committed = totals;
    this.cursorRule = new CursorRule(totals);
  }

  static async open(options: IngestOptions): Promise<IngestPipeline> {
    const digesting = options.relay === undefined ? null : relayIdentityAsync(options.relay);
    // Awaited below; should reading the totals fail first, its failure is the one reported.
    digesting?.catch(() => undefined);
    let totals = await readIngestTotals(options.db);
    if (options.relay !== undefined) {
      const identity = await digesting!;
      if (!isSameRelay(totals.cursorRelay, options.relay)) {
        // Another relay's sequences mean nothing here: start from this relay's beginning.
        totals = { ...totals, cursor: null, latest: null, cursorRelay: identity };
      } else if (totals.cursorRelay !== identity) {
        // Stored before identities were digested: the plain URL (credentials and all) goes now.
        totals = { ...totals, cursorRelay: identity };
        await writeIngestTotals(options.db, options.transaction ?? direct, totals);
      }
    }
    return new IngestPipeline(options, totals);
  }

  /** Why saving fails right now, null while it works. */
  get fault(): StoreFault | null {
    return this.faultNow;
  }

  /**
   * Stop writing (a damaged database, found by a check while running): what is queued stays
   * queued, the relay is paused, and nothing more is committed by this process.
   */
  stopWriting(reason: StoreFaultInfo): void {
    if (this.stoppedWriting) return;
    this.stoppedWriting = true;
    this.faultNow = {
      ...reason,
      since: this.faultNow?.since ?? this.now(),
      attempts: this.faultNow?.attempts ?? 0,
      nextRetryAt: null,
      waiting: this.checkInsQueued(),
    };
    this.holdRelayBack();
    this.notify('store-fault', this.faultNow);
  }

  /**
   * Full until the store saves again. Whatever the relay sent is already queued and may be all
   * it sends for a while (no next push to answer "full" to), so the relay client is told now.
   */
  private holdRelayBack(): void {
    if (this.aboveHighWater) return;
    this.aboveHighWater = true;
    for (const listener of this.fullListeners) guard('full', () => listener());
  }

  /** What is committed: counters and the persisted cursor. */
  get totals(): IngestTotals {
    return this.committed;
  }

  /** Check-ins received and not yet committed. */
  checkInsQueued(): number {
    return countCheckIns(this.queue, this.head);
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Called at each (re)connection: the relay will resume right after this sequence. */
  resumeCursor(): string | null {
    return this.cursorRule.resume();
  }

  /** The newest sequence accepted (confirmed or not): where a new demo relay continues after. */
  get latestSequence(): string | null {
    const { cursor, latest } = this.cursorRule.state;
    return latest ?? cursor;
  }

  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  onFull(listener: () => void): () => void {
    this.fullListeners.add(listener);
    return () => this.fullListeners.delete(listener);
  }

  push(text: string | Uint8Array, receivedAt: number = this.now()): boolean {
    if (this.closed) throw new Error('the ingest pipeline is closed');
    const verdict = classify(text, { maxBytes: this.maxBytes });
    // Read once, by classify (also from a message too large or not UTF-8 to parse).
    const sequence = verdict.sequence;
    const { cursor, latest, outOfOrder, position } = this.cursorRule.observe(sequence);
    this.queue.push({
      verdict: withoutEvent(verdict),
      sequence,
      receivedAt,
      cursorAfter: { cursor, latest },
      outOfOrder,
      position,
    });
    this.queuedChars += verdict.text.length;
    const queued = this.queued;
    if (queued > this.peakQueued) this.peakQueued = queued;
    if (queued >= this.batchSize) this.kick();
    else if (this.timer === null && this.running === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick();
      }, this.windowMs);
    }
    if (queued >= this.highWater || this.queuedChars >= this.highWaterBytes) {
      this.aboveHighWater = true;
    }
    return !this.aboveHighWater;
  }

  /** Resolves when everything queued so far is committed. */
  async flush(): Promise<void> {
    while ((this.queued > 0 || this.running) && !this.stoppedWriting) {
      this.kick();
      await this.running;
    }
  }

  /** Commits what is queued (retrying a failing store a few times), then refuses new messages. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const giveUpAfter = this.failures + 3;
    while (
      (this.queued > 0 || this.running) &&
      this.failures < giveUpAfter &&
      !this.stoppedWriting
    ) {
      this.kick();
      await this.running;
    }
    this.drainListeners.clear();
    this.fullListeners.clear();
  }

  /** Each listener called on its own: one that throws neither stops ingest nor the others. */
  private notify<K extends keyof IngestEvents>(event: K, ...args: IngestEvents[K]): void {
    for (const listener of this.listeners(event)) {
      guard(event, () => (listener as (...a: IngestEvents[K]) => void)(...args));
    }
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running || this.queued === 0 || this.stoppedWriting) return;
    this.running = this.loop().finally(() => {
      this.running = null;
      // A message pushed between the loop's last check and now found `running` set and left
      // the commit to it: pick it up.
      if (this.queued > 0 && !(this.closed && this.failures >= 3)) this.kick();
    });
  }

  /**
   * Under a backlog (many messages arrived while the previous batch was written), lets the socket
   * deliver more before committing: a commit's fixed cost (BEGIN, COMMIT with its fsync, the
   * full-text index's segment flush) is then shared by up to `batchSize` messages instead of the
   * hundred or so one turn of the event loop brings. It waits only while every turn adds
   * messages (the relay is sending), at most GATHER_MS; live traffic (a few messages per commit)
   * never waits here.
   */
  private async gather(): Promise<void> {
    if (this.queued < BACKLOG_QUEUED || this.queued >= this.batchSize) return;
    const until = performance.now() + GATHER_MS;
    let before = this.queued;
    let idle = 0;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const queued = this.queued;
      idle = queued === before ? idle + 1 : 0;
      if (queued >= this.batchSize || idle >= 3 || this.closed) return;
      if (this.aboveHighWater || performance.now() >= until) return;
      before = queued;
    }
  }

  private async loop(): Promise<void> {
    // Group commit: whatever arrived while one batch was being written goes in the next.
    while (this.queued > 0) {
      await this.gather();
      const end = Math.min(this.queue.length, this.head + this.batchSize);
      const batch = this.queue.slice(this.head, end);
      let result: BatchResult;
      try {
        result = await commitBatch(this.db, this.transaction, batch, this.committed);
      } catch (error) {
        this.failures += 1;
        this.lastError = error instanceof Error ? error : new Error(String(error));
        this.notify('commit-error', this.lastError);
        const info = classifyStoreError(error);
        if (info.cause === 'damaged') {
          // Writing on into a damaged file can only make it worse: stop, keep the queue.
          this.stopWriting(info);
          return;
        }
        // The batch stays queued; the store gets a moment (up to 5 s) before the retry. Reading
        // from the relay pauses now rather than filling memory while the store cannot save.
        const delay = Math.min(5000, this.retryMs * 2 ** Math.min(7, this.failures));
        this.faultNow = {
          ...info,
          since: this.faultNow?.since ?? this.now(),
          attempts: this.failures,
          nextRetryAt: this.closed ? null : this.now() + delay,
          waiting: this.checkInsQueued(),
        };
        this.holdRelayBack();
        this.notify('store-fault', this.faultNow);
        if (this.closed && this.failures >= 3) return;
        await new Promise((r) => setTimeout(r, delay));
        continue;
      }
      this.failures = 0;
      this.lastError = null;
      const recovered = this.faultNow;
      this.faultNow = null;
      this.head = end;
      for (const m of batch) this.queuedChars -= m.verdict.text.length;
      // Let go of what is committed now: waiting for a big enough prefix kept thousands of
      // committed messages (each up to 64 KiB) reachable. Copying the rest costs far less than
      // the commit did.
      this.queue = this.queue.slice(this.head);
      this.head = 0;
      this.committed = result.totals;
      this.notify('batch-committed', { ...result, committedAt: this.now() });
      if (recovered !== null)
        this.notify('store-recovered', { since: recovered.since, at: this.now() });
      if (
        this.aboveHighWater &&
        this.queued <= this.highWater / 2 &&
        this.queuedChars <= this.highWaterBytes / 2
      ) {
        this.aboveHighWater = false;
        for (const listener of this.drainListeners) guard('drain', () => listener());
      }
    }
  }
}

/** Messages waiting at a commit's start above which the relay is taken to be sending a backlog. */
const BACKLOG_QUEUED = 64;
/** Longest a commit waits for its batch to fill under a backlog. */
const GATHER_MS = 100;

function countCheckIns(queue: ReadonlyArray<IncomingMessage>, from: number): number {
  let n = 0;
  for (let i = from; i < queue.length; i++) if (queue[i]!.verdict.verdict === 'checkin') n++;
  return n;
}

/** A listener's bug must not stop ingest (the batch is committed either way) nor starve the other listeners. */
function guard(what: string, call: () => void): void {
  try {
    call();
  } catch (error) {
    process.emitWarning(`a ${what} listener threw: ${String(error)}`);
  }
}

const NO_EVENT: JsonObject = Object.freeze({});

/**
 * What a queued message keeps: not the parsed event, which nothing needs once classified and
 * which can take 20 times the memory of its text (a 64 KiB check-in of empty objects: 1.4 MB).
 */
function withoutEvent(verdict: Classification): Classification {
  return verdict.verdict === 'rejected' ? verdict : { ...verdict, event: NO_EVENT };
}
