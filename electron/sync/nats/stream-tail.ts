/**
 * Reads one subject filter of a stream in stream order, from a given sequence, with no gap and no
 * end: an ordered consumer (nats.js re-creates it from the last sequence it saw whenever the
 * server side is lost: a node dies, the connection drops). Both the pull handler (catching up)
 * and the live stream take from its buffer, so what the replication sees is one gap-free run of
 * sequences. The buffer is bounded: reading pauses until it drains.
 */
import type { ConsumerMessages, JetStreamClient } from '@nats-io/jetstream';

export interface TailMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  /** The `Gate-Ops-Origin` header: which running replication published it. */
  readonly origin: string | null;
}

export const ORIGIN_HEADER = 'Gate-Ops-Origin';

export class StreamTail {
  private buffer: TailMessage[] = [];
  private messages: ConsumerMessages | null = null;
  private generation = 0;
  private waiters = new Set<() => void>();
  private spaceWaiter: (() => void) | null = null;
  /** Sequence of the newest message received into the buffer. */
  lastReceived = 0;
  /** Sequence of the newest message handed out by take(). */
  position = -1;
  /** The reason reading stopped, when it did on its own. */
  error: Error | null = null;

  constructor(
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly filter: string,
    private readonly highWater: number,
  ) {}

  get buffered(): number {
    return this.buffer.length;
  }

  /** Starts reading at `fromSeq` (≥ 1); whatever was buffered is dropped. */
  restart(fromSeq: number): void {
    this.stopReading();
    const generation = ++this.generation;
    this.buffer = [];
    this.position = fromSeq - 1;
    this.lastReceived = fromSeq - 1;
    this.error = null;
    void this.read(generation, fromSeq);
  }

  /** Up to `n` buffered messages, oldest first. */
  take(n: number): TailMessage[] {
    const out = this.buffer.splice(0, n);
    if (out.length) this.position = out[out.length - 1]!.seq;
    if (this.buffer.length < this.highWater && this.spaceWaiter) {
      const wake = this.spaceWaiter;
      this.spaceWaiter = null;
      wake();
    }
    return out;
  }

  /** Resolves when `done()` holds (checked on every arrival), rejects after `timeoutMs`. */
  waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.error) finish(this.error);
        else if (done()) finish(null);
      };
      const timer = setTimeout(
        () =>
          finish(new Error(`no answer from the stream ${this.stream} in ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const finish = (error: Error | null): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Called after messages arrive (the live stream flushes from here). */
  onArrival: () => void = () => undefined;

  stop(): void {
    this.generation++;
    this.stopReading();
    this.buffer = [];
    // A pull waiting for messages must end now, not at its timeout (it would hold up shutdown).
    this.error = new Error('the replication was stopped');
    for (const w of [...this.waiters]) w();
  }

  private stopReading(): void {
    const m = this.messages;
    this.messages = null;
    if (m) void m.close().catch(() => undefined);
    const wake = this.spaceWaiter;
    this.spaceWaiter = null;
    wake?.();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
    this.onArrival();
  }

  private async read(generation: number, fromSeq: number): Promise<void> {
    try {
      const consumer = await this.js.consumers.get(this.stream, {
        filter_subjects: this.filter,
        opt_start_seq: fromSeq,
      });
      const messages = await consumer.consume({ max_messages: this.highWater });
      if (generation !== this.generation) {
        await messages.close();
        return;
      }
      this.messages = messages;
      let pendingNotify = false;
      for await (const m of messages) {
        if (generation !== this.generation) break;
        this.buffer.push({
          seq: m.seq,
          subject: m.subject,
          data: m.data,
          origin: m.headers?.get(ORIGIN_HEADER) || null,
        });
        this.lastReceived = m.seq;
        // Notify once per burst the iterator already holds, not once per message.
        if (!pendingNotify) {
          pendingNotify = true;
          setImmediate(() => {
            pendingNotify = false;
            if (generation === this.generation) this.notify();
          });
        }
        if (this.buffer.length >= this.highWater) {
          await new Promise<void>((resolve) => (this.spaceWaiter = resolve));
          if (generation !== this.generation) break;
        }
      }
    } catch (error) {
      if (generation !== this.generation) return;
      this.error = error instanceof Error ? error : new Error(String(error));
      this.notify();
    }
  }
}
