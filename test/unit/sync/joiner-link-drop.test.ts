/**
 * The link to the hub drops in the middle of an initial pull while a change event (a live write
 * on the hub) waits in RxDB's queue: when the link is back, the laptop must still get every
 * document. (Pausing the replication on link down made RxDB end the pull with an empty batch,
 * apply the queued change and store its checkpoint, past every batch not pulled yet: those were
 * never pulled, not even after a restart.) Real RxDB replication and the hub's real handler;
 * only the websocket is a fake that holds each pull request until the test lets it through.
 */
import { describe, expect, it } from 'vitest';
import { BehaviorSubject, Subject, filter, type Observable } from 'rxjs';
import type { RxCollection } from 'rxdb';
import { guardedHandler } from '../../../electron/sync/hub/guarded-handler';
import type { HubLink, HubLinkState } from '../../../electron/sync/join/hub-link';
import { Joiner } from '../../../electron/sync/join/joiner';
import { openMemoryStore } from '../../helpers/memory-store';

const note = (i: number) => ({
  id: `n${String(i).padStart(21, '0')}`,
  laptopId: 'L'.repeat(22),
  author: 'hub',
  at: 1_700_000_000_000 + i,
  gate: '',
  text: `note ${i}`,
  corrects: '',
});

/** Polls `ready` (a signal, not a clock: the test's timeout is the only limit). */
async function until(ready: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await ready())) await new Promise((r) => setTimeout(r, 5));
}

interface Held {
  readonly go: () => void;
  readonly fail: () => void;
}

/** A link whose pull requests wait in `held` until let through (or failed by a drop). */
function fakeLink(handler: ReturnType<typeof guardedHandler>) {
  const state$ = new BehaviorSubject<HubLinkState>({ kind: 'connecting', attempt: 1, since: 0 });
  const frames = new Subject<{ c: string; documents: unknown[]; checkpoint: unknown }>();
  const held: Held[] = [];
  let live = false;
  let answerAtOnce = false;
  let framesDelivered = 0;
  let refusedWhileDown = 0;
  handler.changes$.subscribe((b) => {
    if (!live) return; // a change while the link is down is never heard
    framesDelivered += 1;
    frames.next({ c: 'notes', documents: [...b.documents], checkpoint: b.checkpoint });
  });
  const link = {
    state$: state$.asObservable(),
    get current() {
      return state$.getValue();
    },
    changes: (c: string) => frames.pipe(filter((f) => f.c === c)) as Observable<never>,
    request: (frame: { t: string; checkpoint?: unknown; limit?: number }) => {
      if (!live) {
        refusedWhileDown += 1;
        return Promise.reject(new Error('the venue hub is not connected'));
      }
      if (frame.t === 'push') return Promise.resolve([]);
      // The hub reads now; the answer travels when the test lets it.
      const answer = handler.changesSince((frame.checkpoint ?? null) as never, frame.limit ?? 50);
      if (answerAtOnce) return answer;
      return new Promise((resolve, reject) => {
        held.push({
          go: () => void answer.then(resolve, reject),
          fail: () => reject(new Error('the link to the venue hub closed')),
        });
      });
    },
  };
  // The joiner pulls with the answer frame's text (checked on a worker thread when big enough).
  const withText = Object.defineProperty(link, 'requestWithText', {
    value: (frame: { t: string; checkpoint?: unknown; limit?: number }) =>
      link.request(frame).then((result) => ({
        result,
        text: JSON.stringify({ t: 'result', id: '1', ok: true, result }),
      })),
  });
  return {
    link: withText as unknown as HubLink,
    held,
    framesDelivered: () => framesDelivered,
    refusedWhileDown: () => refusedWhileDown,
    up(atOnce: boolean) {
      live = true;
      answerAtOnce = atOnce;
      if (atOnce) for (const h of held.splice(0)) h.go();
      state$.next({ kind: 'live', since: 0, hubName: 'hub', replicationId: 'hub-1' });
    },
    drop() {
      live = false;
      for (const h of held.splice(0)) h.fail();
      state$.next({ kind: 'down', since: 0, reason: 'gone', attempt: 1, nextTryAt: 0 });
    },
  };
}

describe('a joined laptop whose link drops mid-pull', () => {
  it('gets every document once the link is back, a live change queued meanwhile included', async () => {
    const hub = await openMemoryStore('hub');
    const laptop = await openMemoryStore('laptop');
    try {
      await hub.db.notes.bulkInsert(Array.from({ length: 200 }, (_, i) => note(i)));
      const handler = guardedHandler('notes', hub.db.notes);
      const fake = fakeLink(handler);
      const count = (c: RxCollection) => c.count().exec();
      const joiner = new Joiner({
        link: fake.link,
        collections: { notes: laptop.db.notes },
        pullBatchSize: 50,
        retryMs: 20,
      });
      try {
        fake.up(false);
        // The first batch goes through and is stored; the pull for the next one is in flight.
        await until(() => fake.held.length >= 1);
        fake.held.shift()!.go();
        await until(async () => (await count(laptop.db.notes)) === 50 && fake.held.length >= 1);
        // A live write on the hub: its change frame reaches the laptop during that pull.
        await hub.db.notes.insert(note(1000));
        await until(() => fake.framesDelivered() === 1);
        // The link drops with the pull in flight. Wait until RxDB has settled: it keeps retrying
        // the pull (the link refuses it, again and again) or, as it did when paused, gives up
        // the pull and applies the queued change.
        fake.drop();
        await until(
          async () =>
            fake.refusedWhileDown() >= 3 ||
            (await laptop.db.notes.findOne(note(1000).id).exec()) !== null,
        );
        fake.up(true);
        await joiner.awaitInSync();
        await until(async () => (await count(laptop.db.notes)) >= 201);
        expect(await count(laptop.db.notes)).toBe(await count(hub.db.notes));
        const ids = (await laptop.db.notes.find().exec()).map((d) => d.primary).sort();
        expect(ids).toEqual(
          [...Array.from({ length: 200 }, (_, i) => note(i).id), note(1000).id].sort(),
        );
      } finally {
        await joiner.stop();
      }
    } finally {
      await hub.close();
      await laptop.close();
    }
  });
});
