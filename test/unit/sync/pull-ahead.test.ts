import { describe, expect, it } from 'vitest';
import { PullAhead, type PulledBatch } from '../../../electron/sync/join/pull-ahead';

type Cp = { id: string; lwt: number };

/** A fake hub: `total` documents d0…, answered from a checkpoint (lwt = index + 1). */
function fakeHub(total: number) {
  const asked: Array<number> = [];
  let stored = total;
  const fetch = async (checkpoint: Cp | null, limit: number): Promise<PulledBatch> => {
    const from = checkpoint?.lwt ?? 0;
    asked.push(from);
    const n = Math.max(0, Math.min(limit, stored - from));
    const documents = Array.from({ length: n }, (_, i) => ({ id: `d${from + i}` }));
    return {
      documents,
      checkpoint: n > 0 ? { id: `d${from + n - 1}`, lwt: from + n } : checkpoint,
    };
  };
  return {
    asked,
    fetch,
    write(n: number) {
      stored += n;
    },
  };
}

const accept = async (b: PulledBatch) => b;

describe('PullAhead', () => {
  it('asks for the next batch while RxDB takes a full one, and hands it over', async () => {
    const hub = fakeHub(25);
    const puller = new PullAhead(hub.fetch, accept);
    const first = await puller.pull(null, 10);
    expect(first.documents).toHaveLength(10);
    const second = await puller.pull(first.checkpoint, 10);
    expect(second.documents.map((d) => d['id'])).toEqual(
      Array.from({ length: 10 }, (_, i) => `d${10 + i}`),
    );
    const third = await puller.pull(second.checkpoint, 10);
    expect(third.documents).toHaveLength(5);
    // Each batch asked for once: nothing fetched twice.
    expect(hub.asked).toEqual([0, 10, 20]);
  });

  it('asks again for a short batch read ahead when a change event arrived since', async () => {
    const hub = fakeHub(15);
    const puller = new PullAhead(hub.fetch, accept);
    const first = await puller.pull(null, 10);
    // The read-ahead (5 documents: short) was asked for; then the hub stores 3 more and its
    // change event arrives (RxDB drops events older than its next pull request).
    hub.write(3);
    puller.changeArrived();
    const second = await puller.pull(first.checkpoint, 10);
    expect(second.documents).toHaveLength(8);
    expect(hub.asked).toEqual([0, 10, 10]);
  });

  it('uses a full batch read ahead even when a change arrived (RxDB pulls again after it)', async () => {
    const hub = fakeHub(30);
    const puller = new PullAhead(hub.fetch, accept);
    const first = await puller.pull(null, 10);
    puller.changeArrived();
    const second = await puller.pull(first.checkpoint, 10);
    expect(second.documents).toHaveLength(10);
    expect(hub.asked.filter((f) => f === 10)).toHaveLength(1);
  });

  it('forgets what it read ahead when reset (the link went down)', async () => {
    const hub = fakeHub(15);
    const puller = new PullAhead(hub.fetch, accept);
    const first = await puller.pull(null, 10);
    puller.reset();
    hub.write(2);
    const second = await puller.pull(first.checkpoint, 10);
    expect(second.documents).toHaveLength(7);
  });

  it('asks afresh when RxDB asks from another checkpoint', async () => {
    const hub = fakeHub(40);
    const puller = new PullAhead(hub.fetch, accept);
    await puller.pull(null, 10);
    const other = await puller.pull({ id: 'd24', lwt: 25 }, 10);
    expect(other.documents[0]).toEqual({ id: 'd25' });
  });

  it('throws a refused batch read ahead to RxDB when it asks for it', async () => {
    const hub = fakeHub(15);
    let calls = 0;
    const puller = new PullAhead(hub.fetch, async (b) => {
      calls += 1;
      if (calls === 2) throw new Error('the hub sent a document that breaks the schema');
      return b;
    });
    const first = await puller.pull(null, 10);
    await expect(puller.pull(first.checkpoint, 10)).rejects.toThrow(/breaks the schema/);
    // RxDB retries: asked again, checked again.
    await expect(puller.pull(first.checkpoint, 10)).resolves.toMatchObject({
      documents: expect.any(Array),
    });
  });
});
