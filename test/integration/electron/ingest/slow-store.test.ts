/**
 * A store slower than the relay: the pipeline's queue stays bounded because the relay client
 * stops reading from the socket (TCP backpressure reaches the relay), and nothing is lost.
 */
import { afterEach, expect, it } from 'vitest';
import { openStore, type StoreTransaction } from '../../../../electron/db';
import { IngestPipeline } from '../../../../electron/ingest';
import { RelayClient } from '../../../../electron/relay/relay-client';
import { startRelaySimulator } from '../../../../electron/demo-venue';
import {
  expectedTotals,
  pickTotals,
  storedFingerprints,
  tempDir,
  TOKEN,
  waitForCommit,
  waitForValue,
} from '../../../helpers/relay';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

it(
  'keeps memory bounded when the store falls behind, and loses nothing',
  { timeout: 120_000 },
  async () => {
    const relay = await startRelaySimulator({
      token: TOKEN,
      seed: 41,
      backlog: 8000,
      highWaterBytes: 64 * 1024,
    });
    cleanups.push(() => relay.stop());
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const store = await openStore(dir);
    cleanups.push(() => store.close());
    // A store slower than the relay, without a clock: a commit waits until the client has
    // stopped reading (the queue is full), or until the relay has sent everything.
    const link: { client?: RelayClient } = {};
    const behind = (): Promise<unknown> =>
      waitForValue(link.client!.status$, (s) => s.paused || s.counters.received >= 8000);
    const slow: StoreTransaction = (fn) =>
      store.transaction(async () => {
        await behind();
        return fn();
      });
    const HIGH_WATER = 500;
    const ingest = await IngestPipeline.open({
      db: store.db,
      transaction: slow,
      batchSize: 100,
      highWater: HIGH_WATER,
    });
    const client = new RelayClient({ url: relay.url, token: TOKEN, sink: ingest });
    link.client = client;
    cleanups.push(() => client.stop());
    let pauses = 0;
    let wasPaused = false;
    const sub = client.status$.subscribe((s) => {
      if (s.paused && !wasPaused) pauses += 1;
      wasPaused = s.paused;
    });
    cleanups.push(() => sub.unsubscribe());
    client.start();
    await waitForCommit(ingest, (b) => b.totals.ingestSeq >= 8000);

    expect(pauses).toBeGreaterThan(5);
    // Bounded: the high-water mark plus what was already in flight when reading paused.
    expect(ingest.peakQueued).toBeLessThan(HIGH_WATER + 400);
    expect(pickTotals(ingest.totals)).toEqual(expectedTotals(relay.ledger));
    expect(await storedFingerprints(store.db)).toEqual(relay.ledger.unique);
    expect(relay.connectionCount).toBe(1);
  },
);
