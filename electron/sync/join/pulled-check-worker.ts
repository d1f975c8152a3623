/**
 * The worker thread of `PulledCheck` (pulled-check.ts): checks the documents of a pulled batch
 * with the same rules the main thread would apply (`validatePushedDocument`), from the text of
 * the frame they came in. It stores nothing and decides nothing: the main thread hands a batch to
 * RxDB only after every document of it was found fine, here or there.
 *
 * The batch is shared with the main thread through a small shared array (`progress`): this
 * thread checks from the first document on, a slice at a time, and after each fine slice says
 * how far it got; the main thread, once it has nothing left to write, checks from the last one
 * back and says where it has got to, and this thread stops there. So each document is checked
 * once (twice at most for the one slice both may be in at the same moment), by whichever thread
 * has time, and neither waits for the other.
 */
import { parentPort } from 'node:worker_threads';
import { validatePushedDocument } from '../sync-collections';
import { CLAIMED_FROM, FINE_UP_TO } from './pulled-check-progress';

export interface PulledCheckRequest {
  readonly id: number;
  readonly collection: string;
  /** A `result` frame of a pull, as received: `{ t, id, ok, result: { documents, checkpoint } }`. */
  readonly text: string;
  /** Documents of the batch the main thread holds (parsed from the same text). */
  readonly count: number;
  /** Shared with the main thread: Int32Array(2), see pulled-check-progress.ts. */
  readonly progress: SharedArrayBuffer;
}

/** Documents this thread checks between two looks at what the main thread has claimed. */
export const WORKER_SLICE = 250;

export interface PulledCheckAnswer {
  readonly id: number;
  /** Documents checked and fine, from the first on (the main thread checked the rest). */
  readonly checked: number;
  /** The first refusal ("checkins: …"), or null when every document is fine. */
  readonly problem: string | null;
  /** The check itself could not run (the main thread then checks the batch itself). */
  readonly failed?: string;
}

export function checkPulledFrame(request: PulledCheckRequest): PulledCheckAnswer {
  const { id, collection, text, count } = request;
  const progress = new Int32Array(request.progress);
  // The main thread checked all of it before this thread got to it: not worth parsing.
  if (Atomics.load(progress, CLAIMED_FROM) <= 0) return { id, checked: 0, problem: null };
  let documents: unknown;
  try {
    documents = (JSON.parse(text) as { result?: { documents?: unknown } }).result?.documents;
  } catch {
    return { id, checked: 0, problem: null, failed: 'the frame is not JSON' };
  }
  if (!Array.isArray(documents)) {
    return { id, checked: 0, problem: null, failed: 'the frame has no documents' };
  }
  // Not the batch the main thread holds (cannot happen: the same text): say nothing is fine.
  if (documents.length !== count) {
    return { id, checked: 0, problem: null, failed: 'the frame does not hold the batch' };
  }
  let fine = 0;
  while (fine < count && fine < Atomics.load(progress, CLAIMED_FROM)) {
    const end = Math.min(fine + WORKER_SLICE, count);
    for (let i = fine; i < end; i++) {
      const v = validatePushedDocument(collection, documents[i]);
      if (!v.ok) return { id, checked: fine, problem: v.error };
    }
    fine = end;
    Atomics.store(progress, FINE_UP_TO, fine);
  }
  return { id, checked: fine, problem: null };
}

// Loaded (the rules and the contract with them): from now on batches are worth sending here.
parentPort?.postMessage('ready');
parentPort?.on('message', (request: PulledCheckRequest) => {
  let answer: PulledCheckAnswer;
  try {
    answer = checkPulledFrame(request);
  } catch (error) {
    answer = { id: request.id, checked: 0, problem: null, failed: String(error) };
  }
  parentPort!.postMessage(answer);
});
