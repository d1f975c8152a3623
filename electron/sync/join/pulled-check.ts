/**
 * Checks pulled batches on a worker thread. Validating a pulled check-in (its schema, then the
 * contract's verdict on its event and every field rebuilt from it) was a sixth of the joining
 * laptop's main thread during an initial sync, the thread that also writes the store; on a
 * worker it runs beside the write of the batch before. The worker gets the text of the frame
 * the batch came in and parses it itself (handing it the parsed documents would cost the main
 * thread a copy of each), so what it checks is what the main thread parsed from the same text.
 *
 * The two threads share the work of a batch (`checkTogether`): the worker checks from the first
 * document on, and the main thread, once it has nothing left to write, from the last one back,
 * until they meet. Each document is checked once (twice at most for one slice), by whichever
 * thread has time: on a machine with a core to spare the worker does nearly all of it; on a busy
 * one the main thread takes what the worker has not reached, instead of checking the whole batch
 * a second time, or waiting.
 *
 * Never-lose does not depend on the worker: a batch goes to RxDB only after every document of it
 * was found fine by one of the two (the worker's part counts only if it parsed as many documents
 * as the batch holds). When the worker cannot run (no worker file in this build, it crashed, it
 * could not parse the frame) the main thread checks the whole batch, as before, and that is
 * logged once.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CLAIMED_FROM, FINE_UP_TO } from './pulled-check-progress';
import type { PulledCheckAnswer, PulledCheckRequest } from './pulled-check-worker';

/**
 * The worker's verdict on a batch: null (it checked every document: fine), a refusal, 'partial'
 * (it stopped where the main thread had got to; what it checked is fine) or 'unchecked' (it
 * checked nothing: the main thread checks all).
 */
export type PulledVerdict = string | null | 'partial' | 'unchecked';

/** A batch the worker is checking, shared with the main thread. */
export interface PulledJob {
  readonly verdict: Promise<PulledVerdict>;
  /** The documents before this index were checked by the worker and are fine. */
  fineUpTo(): number;
  /** The main thread checks the documents from `index` on: the worker stops there. */
  claim(index: number): void;
}

const UNCHECKED: PulledJob = {
  verdict: Promise.resolve('unchecked'),
  fineUpTo: () => 0,
  claim: () => undefined,
};

/**
 * Checks the `count` documents of a batch together with the worker's `job`: once `idle` settles
 * (the main thread has nothing left to write), or at once when the worker checks nothing, the
 * main thread checks slices of `slice` documents from the end back (`checkSlice(from, to)`: a
 * refusal or null), a turn of the event loop between two, until it meets the documents the worker
 * found fine. Resolves null when every document is fine, or the first refusal either thread met.
 */
export async function checkTogether(
  count: number,
  job: PulledJob,
  idle: Promise<unknown>,
  checkSlice: (from: number, to: number) => string | null,
  slice: number,
): Promise<string | null> {
  let verdict: PulledVerdict | undefined;
  const settled = job.verdict.then((v) => (verdict = v));
  await Promise.race([settled, idle]);
  let from = count;
  for (let turn = 0; ; turn++) {
    if (turn > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const v = verdict as PulledVerdict | undefined;
    if (v === null) return null;
    if (v !== undefined && v !== 'partial' && v !== 'unchecked') return v;
    const fine = v === 'unchecked' ? 0 : job.fineUpTo();
    if (from <= fine) return null;
    const to = from;
    from = Math.max(to - slice, fine);
    job.claim(from);
    const problem = checkSlice(from, to);
    if (problem !== null) return problem;
  }
}

/**
 * Where the worker's code is: next to this module (sources under tsx), or beside the folder of
 * the chunk this module went into (the main-process and CLI builds have it as an entry of its
 * own, `pulled-check-worker.js`, beside their chunks/).
 */
function workerFile(): URL | null {
  for (const name of [
    './pulled-check-worker.js',
    './pulled-check-worker.ts',
    '../pulled-check-worker.js',
  ]) {
    const url = new URL(name, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** A worker not asked for this long is stopped (it holds a copy of the rules' modules). */
const IDLE_STOP_MS = 60_000;

export class PulledCheck {
  private worker: Worker | null = null;
  /** The worker has loaded its modules (until then batches are checked on the main thread). */
  private ready = false;
  private broken = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { readonly count: number; readonly resolve: (verdict: PulledVerdict) => void }
  >();

  private readySignal: { promise: Promise<boolean>; settle: (ready: boolean) => void } = signal();

  /**
   * `file`: the worker's code (found next to this module by default; null: none, every batch is
   * then checked on the main thread).
   */
  constructor(
    private readonly log?: (line: string) => void,
    private readonly file: URL | null = workerFile(),
    /** Node options of the worker (default: this thread's; tests give the TypeScript loader). */
    private readonly execArgv?: readonly string[],
  ) {}

  /** Starts the worker now; resolves true once it takes batches, false if it cannot run. */
  warmUp(): Promise<boolean> {
    if (!this.start()) return Promise.resolve(false);
    this.keepAlive();
    return this.readySignal.promise;
  }

  /**
   * Starts checking the `count` documents of collection `collection` that came in `text` (the
   * answer frame of a pull) on the worker. Its verdict never rejects: 'unchecked' when the worker
   * could not check them (or is not up yet).
   */
  check(collection: string, text: string, count: number): PulledJob {
    const worker = this.start();
    this.keepAlive();
    // Starting takes a while (it loads the rules and the contract): check here until it is up.
    if (!worker || !this.ready) return UNCHECKED;
    const id = ++this.nextId;
    const progress = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    const shared = new Int32Array(progress);
    shared[CLAIMED_FROM] = count;
    const verdict = new Promise<PulledVerdict>((resolve) => {
      this.waiting.set(id, { count, resolve });
      const request: PulledCheckRequest = { id, collection, text, count, progress };
      worker.postMessage(request);
    });
    return {
      verdict,
      fineUpTo: () => Math.min(Atomics.load(shared, FINE_UP_TO), count),
      claim: (index) => {
        Atomics.store(shared, CLAIMED_FROM, index);
      },
    };
  }

  private start(): Worker | null {
    if (this.worker || this.broken) return this.worker;
    const file = this.file;
    if (!file) return this.fail('no worker file in this build');
    this.readySignal = signal();
    try {
      // From sources (benchmarks), the worker inherits this thread's options: its loader too.
      const worker = new Worker(file, this.execArgv ? { execArgv: [...this.execArgv] } : {});
      worker.unref();
      worker.on('message', (answer: PulledCheckAnswer | 'ready') => {
        if (answer !== 'ready') this.answer(answer);
        else if (this.worker === worker) {
          this.ready = true;
          this.readySignal.settle(true);
        }
      });
      worker.on('error', (error) => this.fail(`it failed: ${error.message}`));
      worker.on('exit', (code) => {
        if (this.worker === worker) this.fail(`it stopped (exit code ${code})`);
      });
      this.worker = worker;
      return worker;
    } catch (error) {
      return this.fail(`it could not start: ${String(error)}`);
    }
  }

  /** Stops the worker once it has not been asked for a while (a new big pull starts it again). */
  private keepAlive(): void {
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        if (this.waiting.size > 0) return this.keepAlive();
        const worker = this.worker;
        this.worker = null;
        this.ready = false;
        if (worker) void worker.terminate();
      }, IDLE_STOP_MS);
      this.idleTimer.unref();
    }
  }

  private answer(answer: PulledCheckAnswer): void {
    const waiting = this.waiting.get(answer.id);
    if (!waiting) return;
    this.waiting.delete(answer.id);
    if (answer.failed !== undefined) {
      this.log?.(`venue sync: a pulled batch is checked on the main thread (${answer.failed})`);
      waiting.resolve('unchecked');
    } else if (answer.problem !== null) {
      waiting.resolve(answer.problem);
    } else {
      // Short of the count: it stopped where the main thread had got to.
      waiting.resolve(answer.checked === waiting.count ? null : 'partial');
    }
  }

  private fail(why: string): null {
    if (!this.broken) {
      this.log?.(`venue sync: pulled documents are checked on the main thread (worker: ${why})`);
    }
    this.broken = true;
    this.ready = false;
    this.readySignal.settle(false);
    const worker = this.worker;
    this.worker = null;
    for (const { resolve } of this.waiting.values()) resolve('unchecked');
    this.waiting.clear();
    if (worker) void worker.terminate();
    return null;
  }

  /** Stops the worker; checks asked for after this run on the main thread. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.broken = true;
    this.ready = false;
    this.readySignal.settle(false);
    this.worker = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    for (const { resolve } of this.waiting.values()) resolve('unchecked');
    this.waiting.clear();
    if (worker) await worker.terminate();
  }
}

function signal(): { promise: Promise<boolean>; settle: (ready: boolean) => void } {
  let settle: (ready: boolean) => void = () => undefined;
  const promise = new Promise<boolean>((resolve) => (settle = resolve));
  return { promise, settle };
}
