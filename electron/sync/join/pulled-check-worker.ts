/**
 * The worker thread of `PulledCheck` (pulled-check.ts): checks the documents of a pulled batch
 * with the same rules the main thread would apply (`validatePushedDocument`), from the text of
 * the frame they came in. It answers per batch: how many documents it checked and the first
 * refusal, if any. It stores nothing and decides nothing: the main thread hands a batch to RxDB
 * only after this answer (or its own check) says every document is fine.
 */
import { parentPort } from 'node:worker_threads';
import { validatePushedDocument } from '../sync-collections';

export interface PulledCheckRequest {
  readonly id: number;
  readonly collection: string;
  /** A `result` frame of a pull, as received: `{ t, id, ok, result: { documents, checkpoint } }`. */
  readonly text: string;
}

export interface PulledCheckAnswer {
  readonly id: number;
  /** Documents checked (the main thread compares it with the batch it holds). */
  readonly checked: number;
  /** The first refusal ("checkins: …"), or null when every document is fine. */
  readonly problem: string | null;
  /** The check itself could not run (the main thread then checks the batch itself). */
  readonly failed?: string;
}

export function checkPulledFrame(request: PulledCheckRequest): PulledCheckAnswer {
  const { id, collection, text } = request;
  let documents: unknown;
  try {
    documents = (JSON.parse(text) as { result?: { documents?: unknown } }).result?.documents;
  } catch {
    return { id, checked: 0, problem: null, failed: 'the frame is not JSON' };
  }
  if (!Array.isArray(documents)) {
    return { id, checked: 0, problem: null, failed: 'the frame has no documents' };
  }
  for (let i = 0; i < documents.length; i++) {
    const v = validatePushedDocument(collection, documents[i]);
    if (!v.ok) return { id, checked: i, problem: v.error };
  }
  return { id, checked: documents.length, problem: null };
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
