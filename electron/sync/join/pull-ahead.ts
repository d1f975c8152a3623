/**
 * Pulls one batch ahead of RxDB. RxDB's downstream asks for the next batch only after it has
 * taken the previous one (our handler validates it first), so without this the hub sits idle
 * while the laptop validates and the laptop sits idle while the hub reads, compresses and sends.
 * When a pull returns a full batch (RxDB will ask again, from its checkpoint), the request for
 * the next one goes out at once; RxDB's next call gets that answer.
 *
 * What RxDB sees stays what its protocol expects, the answer for the checkpoint it asks from:
 * RxDB drops change-stream events that arrived before its pull request, trusting the pull to
 * hold them, and an answer read ahead may be older than an event that arrived meanwhile. That
 * is harmless when the answer is a full batch (RxDB pulls again from its end, and everything
 * the hub wrote after reading it sorts after that end); a short answer (RxDB stops there) is
 * used only when no change event arrived since it was asked for, otherwise it is asked again.
 */
import type { Checkpoint } from '../hub/guarded-handler';

export interface PulledBatch {
  readonly documents: ReadonlyArray<Record<string, unknown>>;
  readonly checkpoint: Checkpoint | null;
  /** The text of the frame the batch came in (for checking it on a worker thread). */
  readonly text?: string;
}

type Fetch = (checkpoint: Checkpoint | null, limit: number) => Promise<PulledBatch>;
/** Checks a batch's documents (throws when one is refused); runs after the next is asked for. */
type Check = (batch: PulledBatch) => Promise<PulledBatch>;

interface Ahead {
  readonly key: string;
  readonly result: Promise<PulledBatch | null>;
  /** Where the batch after this one starts, once this one came back full. */
  next: Checkpoint | null;
  /** The batch after this one was asked for. */
  followed: boolean;
  /** A change event arrived after this was asked for. */
  changed: boolean;
  /** Its documents were refused (thrown to RxDB when it asks, as a pull of its own would). */
  refused: unknown;
  /** The queue it was asked for (a forgotten one asks for nothing more). */
  readonly generation: number;
}

/** Batches asked for ahead of RxDB at most (each up to RxDB's pull batch size). */
const DEPTH = 2;

export class PullAhead {
  /** Requests read ahead, in checkpoint order (each starts where the one before ended). */
  private queue: Ahead[] = [];
  private generation = 0;

  constructor(
    private readonly fetch: Fetch,
    private readonly check: Check,
  ) {}

  /** A change event of this collection arrived from the hub. */
  changeArrived(): void {
    for (const a of this.queue) a.changed = true;
  }

  /** Forgets what was read ahead (the link went, or the replication stopped). */
  reset(): void {
    this.queue = [];
    this.generation += 1;
  }

  async pull(checkpoint: Checkpoint | null, limit: number): Promise<PulledBatch> {
    const head = this.queue.shift();
    let result: PulledBatch | null = null;
    if (head && head.key === keyOf(checkpoint, limit)) {
      const r = await head.result;
      if (head.refused !== undefined) {
        this.reset();
        throw head.refused;
      }
      if (r && (r.documents.length >= limit || !head.changed)) result = r;
    }
    if (result) {
      this.follow(this.queue.at(-1) ?? head!, limit);
      return result;
    }
    this.reset();
    const fetched = await this.fetch(checkpoint, limit);
    if (fetched.documents.length >= limit && fetched.checkpoint) {
      this.readAhead(fetched.checkpoint, limit);
    }
    return this.check(fetched);
  }

  private follow(entry: Ahead, limit: number): void {
    if (!entry.next || entry.followed || entry.generation !== this.generation) return;
    entry.followed = true;
    this.readAhead(entry.next, limit);
  }

  private readAhead(checkpoint: Checkpoint, limit: number): void {
    if (this.queue.length >= DEPTH) return;
    const entry: Ahead = {
      key: keyOf(checkpoint, limit),
      result: this.fetch(checkpoint, limit).then(
        (r) => {
          if (r.documents.length >= limit && r.checkpoint) {
            entry.next = r.checkpoint;
            // The newest one asked for (or just taken): ask for the one after it, then check
            // this one.
            if (this.queue.length === 0 || this.queue.at(-1) === entry) this.follow(entry, limit);
          }
          return this.check(r).catch((error: unknown) => {
            entry.refused = error;
            return null;
          });
        },
        // Not answered (the link went): asked again when RxDB asks.
        () => null,
      ),
      next: null,
      followed: false,
      changed: false,
      refused: undefined,
      generation: this.generation,
    };
    this.queue.push(entry);
  }
}

function keyOf(checkpoint: Checkpoint | null, limit: number): string {
  return JSON.stringify([checkpoint?.id ?? null, checkpoint?.lwt ?? null, limit]);
}
