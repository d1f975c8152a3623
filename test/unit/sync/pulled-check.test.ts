/**
 * Pulled batches checked on a worker thread (pulled-check.ts): the worker's verdict is the main
 * thread's (same rules, same reason), a batch with one bad document is refused loudly and nothing
 * of it is stored, on the worker as on the main thread, and a laptop without the worker (no
 * worker file, or before it is up) checks every batch itself.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BehaviorSubject, NEVER, firstValueFrom } from 'rxjs';
import { classify } from '../../../shared/contract';
import { checkInDoc, type CheckInDoc } from '../../../electron/db';
import type { Store } from '../../../electron/db/open-store';
import type { HubLink, HubLinkState } from '../../../electron/sync/join/hub-link';
import { Joiner } from '../../../electron/sync/join/joiner';
import { PulledCheck } from '../../../electron/sync/join/pulled-check';
import { validatePushedDocument } from '../../../electron/sync/sync-collections';
import { checkInEvent, memoryStore } from '../../helpers/sync';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
/** One worker for the tests that use one (starting it loads the rules: a second or two). */
const log: string[] = [];
const WORKER_FILE = new URL('../../../electron/sync/join/pulled-check-worker.ts', import.meta.url);
/** The worker runs the sources: it needs the TypeScript loader (the app's builds have .js). */
const shared = new PulledCheck((line) => log.push(line), WORKER_FILE, ['--import', 'tsx']);
afterAll(() => shared.stop());

/** `n` check-in documents as the hub sends them (the event without the relay's stamp). */
function pulledCheckIns(n: number): Array<CheckInDoc & { _deleted: false }> {
  return Array.from({ length: n }, (_, i) => {
    const v = classify(checkInEvent(i + 1));
    if (v.verdict !== 'checkin') throw new Error('test event');
    const event = { ...v.event };
    delete event['sequence'];
    return { ...checkInDoc(v.key, v.fields, event), _deleted: false as const };
  });
}

/** The text of the hub's answer to a pull with these documents. */
const answerText = (documents: unknown[]) =>
  JSON.stringify({
    t: 'result',
    id: '7',
    ok: true,
    result: { documents, checkpoint: { id: 'x', lwt: 1 } },
  });

describe('checking pulled batches on a worker thread', () => {
  it('gives the main thread’s verdict: fine, or refused with the same reason', async () => {
    const check = shared;
    expect(await check.warmUp()).toBe(true);
    const docs = pulledCheckIns(300);
    expect(await check.check('checkins', answerText(docs), docs.length)).toBeNull();

    const tampered = docs.map((d, i) => (i === 150 ? { ...d, gate: 'Side door' } : d));
    const inline = validatePushedDocument('checkins', tampered[150]);
    expect(inline.ok).toBe(false);
    expect(await check.check('checkins', answerText(tampered), tampered.length)).toBe(
      !inline.ok && inline.error,
    );
    const unknownField = docs.map((d, i) => (i === 299 ? { ...d, note: 'x' } : d));
    expect(await check.check('checkins', answerText(unknownField), docs.length)).toMatch(
      /^checkins: /,
    );
  });

  it('leaves a batch to the main thread when the worker did not check all of it', async () => {
    const check = shared;
    expect(await check.warmUp()).toBe(true);
    const docs = pulledCheckIns(10);
    // The main thread holds 11 documents, the frame has 10: not a verdict on what it holds.
    expect(await check.check('checkins', answerText(docs), 11)).toBe('unchecked');
    expect(await check.check('checkins', 'not json', 1)).toBe('unchecked');
  });

  it('without a worker file, every batch is checked on the main thread (and it says so)', async () => {
    const lines: string[] = [];
    const check = new PulledCheck((line) => lines.push(line), null);
    expect(await check.warmUp()).toBe(false);
    expect(await check.check('checkins', answerText(pulledCheckIns(3)), 3)).toBe('unchecked');
    expect(lines.join('\n')).toMatch(/checked on the main thread .*no worker file/);
  });
});

/** A link that is live and answers every pull with `documents` (push: no conflicts). */
function linkServing(documents: unknown[]): HubLink {
  const state$ = new BehaviorSubject<HubLinkState>({
    kind: 'live',
    since: 0,
    hubName: 'hub',
    replicationId: 'hub-1',
  });
  const result = { documents, checkpoint: { id: 'x', lwt: 1 } };
  const link = {
    state$: state$.asObservable(),
    current: state$.getValue(),
    changes: () => NEVER,
    request: () => Promise.resolve([]),
    requestWithText: () => Promise.resolve({ result, text: answerText(documents) }),
  };
  return link as unknown as HubLink;
}

describe('a joined laptop pulling a batch with one bad check-in', () => {
  for (const withWorker of [true, false]) {
    const how = withWorker ? 'with the worker running' : 'without a worker';
    it(`refuses it loudly and stores none of it (${how})`, async () => {
      const check = withWorker ? shared : new PulledCheck(undefined, null);
      expect(await check.warmUp()).toBe(withWorker);
      const laptop = await memoryStore();
      stores.push(laptop);
      const docs = pulledCheckIns(300).map((d, i) =>
        i === 120 ? { ...d, ticketId: 'someone-else' } : d,
      );
      const joiner = new Joiner({
        link: linkServing(docs),
        collections: { checkins: laptop.db.checkins },
        pullBatchSize: 2000,
        retryMs: 60_000,
        pulledCheck: check,
      });
      try {
        const error = await firstValueFrom(joiner.errors$);
        expect(error).toBe(
          'the hub sent a document that breaks the schema (checkins: ticketId does not match the event)',
        );
        expect(await laptop.db.checkins.count().exec()).toBe(0);
      } finally {
        await joiner.stop();
      }
    });
  }
});
