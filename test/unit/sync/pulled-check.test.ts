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
import {
  PulledCheck,
  checkTogether,
  type PulledJob,
  type PulledVerdict,
} from '../../../electron/sync/join/pulled-check';
import { CLAIMED_FROM, FINE_UP_TO } from '../../../electron/sync/join/pulled-check-progress';
import { checkPulledFrame } from '../../../electron/sync/join/pulled-check-worker';
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
    expect(await check.check('checkins', answerText(docs), docs.length).verdict).toBeNull();

    const tampered = docs.map((d, i) => (i === 150 ? { ...d, gate: 'Side door' } : d));
    const inline = validatePushedDocument('checkins', tampered[150]);
    expect(inline.ok).toBe(false);
    expect(await check.check('checkins', answerText(tampered), tampered.length).verdict).toBe(
      !inline.ok && inline.error,
    );
    const unknownField = docs.map((d, i) => (i === 299 ? { ...d, note: 'x' } : d));
    expect(await check.check('checkins', answerText(unknownField), docs.length).verdict).toMatch(
      /^checkins: /,
    );
  });

  it('leaves a batch to the main thread when the worker did not check all of it', async () => {
    const check = shared;
    expect(await check.warmUp()).toBe(true);
    const docs = pulledCheckIns(10);
    // The main thread holds 11 documents, the frame has 10: not a verdict on what it holds.
    expect(await check.check('checkins', answerText(docs), 11).verdict).toBe('unchecked');
    expect(await check.check('checkins', 'not json', 1).verdict).toBe('unchecked');
  });

  it('without a worker file, every batch is checked on the main thread (and it says so)', async () => {
    const lines: string[] = [];
    const check = new PulledCheck((line) => lines.push(line), null);
    expect(await check.warmUp()).toBe(false);
    expect(await check.check('checkins', answerText(pulledCheckIns(3)), 3).verdict).toBe(
      'unchecked',
    );
    expect(lines.join('\n')).toMatch(/checked on the main thread .*no worker file/);
  });
});

/** The worker's side of a batch, run here: `claimed` is where the main thread has got to. */
function workerPart(docs: unknown[], claimed: number) {
  const progress = new SharedArrayBuffer(8);
  const shared = new Int32Array(progress);
  shared[CLAIMED_FROM] = claimed;
  const answer = checkPulledFrame({
    id: 1,
    collection: 'checkins',
    text: answerText(docs),
    count: docs.length,
    progress,
  });
  return { answer, fine: shared[FINE_UP_TO] };
}

/** A worker's job whose verdict and progress the test sets. */
function fakeJob() {
  let settle: (v: PulledVerdict) => void = () => undefined;
  const state = { fine: 0, claimed: Infinity };
  const job: PulledJob = {
    verdict: new Promise<PulledVerdict>((resolve) => (settle = resolve)),
    fineUpTo: () => state.fine,
    claim: (index) => (state.claimed = index),
  };
  return { job, state, settle: (v: PulledVerdict) => settle(v) };
}

describe('the worker and the main thread share a batch', () => {
  it('the worker checks from the start and stops where the main thread has got to', () => {
    const docs: unknown[] = pulledCheckIns(600);
    expect(workerPart(docs, 600)).toEqual({
      answer: { id: 1, checked: 600, problem: null },
      fine: 600,
    });
    // The main thread has claimed from 300 on: the worker's last slice ends where it began.
    expect(workerPart(docs, 300)).toEqual({
      answer: { id: 1, checked: 500, problem: null },
      fine: 500,
    });
    expect(workerPart(docs, 0)).toEqual({ answer: { id: 1, checked: 0, problem: null }, fine: 0 });
    // A bad document in the worker's part: refused, and nothing past its slice counts as fine.
    const bad = docs.map((d, i) => (i === 260 ? { ...(d as object), gate: 'Side door' } : d));
    const r = workerPart(bad, 600);
    expect(r.fine).toBe(250);
    expect(r.answer).toMatchObject({ checked: 250, problem: expect.stringMatching(/^checkins: /) });
    // One in the main thread's part is the main thread's to find.
    expect(workerPart(bad, 250).answer).toEqual({ id: 1, checked: 250, problem: null });
  });

  it('the main thread checks from the end back until it meets what the worker found fine', async () => {
    const { job, state, settle } = fakeJob();
    const slices: Array<[number, number]> = [];
    state.fine = 1000;
    const result = checkTogether(
      2000,
      job,
      Promise.resolve(),
      (from, to) => {
        slices.push([from, to]);
        // The worker gets on meanwhile.
        if (slices.length === 2) state.fine = 1200;
        return null;
      },
      250,
    );
    expect(await result).toBeNull();
    expect(slices).toEqual([
      [1750, 2000],
      [1500, 1750],
      [1250, 1500],
      [1200, 1250],
    ]);
    expect(state.claimed).toBe(1200);
    settle('partial');
  });

  it('the whole batch on the main thread when the worker checks nothing; none when it is done first', async () => {
    const slices: Array<[number, number]> = [];
    const collect = (from: number, to: number) => (slices.push([from, to]), null);
    const unchecked = fakeJob();
    unchecked.state.fine = 400; // not trusted with 'unchecked'
    unchecked.settle('unchecked');
    expect(await checkTogether(600, unchecked.job, new Promise(() => {}), collect, 250)).toBeNull();
    expect(slices).toEqual([
      [350, 600],
      [100, 350],
      [0, 100],
    ]);
    slices.length = 0;
    const done = fakeJob();
    done.state.fine = 600;
    done.settle(null);
    expect(await checkTogether(600, done.job, new Promise(() => {}), collect, 250)).toBeNull();
    expect(slices).toEqual([]);
  });

  it('a refusal from either thread refuses the batch', async () => {
    const fromWorker = fakeJob();
    fromWorker.settle('checkins: gate does not match the event');
    expect(await checkTogether(600, fromWorker.job, Promise.resolve(), () => null, 250)).toBe(
      'checkins: gate does not match the event',
    );
    const fromMain = fakeJob();
    expect(
      await checkTogether(
        600,
        fromMain.job,
        Promise.resolve(),
        (from) => (from <= 300 ? 'checkins: ticketId does not match the event' : null),
        250,
      ),
    ).toBe('checkins: ticketId does not match the event');
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
