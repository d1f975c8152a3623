/**
 * A batch whose transaction fails after all its writes were issued (the moment a crash would
 * hurt most) leaves nothing behind in the SQLite file; the retry then counts everything once.
 */
import { afterEach, expect, it } from 'vitest';
import { openStore, type Store } from '../../../../electron/db/open-store';
import { checkInDocId } from '../../../../electron/db';
import { IngestPipeline } from '../../../../electron/ingest';
import { readIngestTotals, type StoreTransaction } from '../../../../electron/db';
import { EventGenerator, formatSequence } from '../../../../electron/demo-venue';
import { expectedTotals, pickTotals, storedFingerprints, tempDir } from '../../../helpers/relay';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

it(
  'rolls a failed batch back entirely and retries it exactly once',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const store: Store = await openStore(dir);
    cleanups.push(() => store.close());
    let failAfterWrites = 2;
    let attempts = 0;
    const failing: StoreTransaction = (fn) =>
      store.transaction(async () => {
        attempts += 1;
        const result = await fn();
        if (failAfterWrites-- > 0) {
          // Every write of the batch has been issued (and is visible inside the group).
          const inside = await store.db.checkins.storageInstance.findDocumentsById(allIds(), false);
          expect(inside.length).toBeGreaterThan(0);
          throw new Error('power cut');
        }
        return result;
      });
    const ingest = await IngestPipeline.open({
      db: store.db,
      transaction: failing,
      batchSize: 2000,
    });
    const generator = new EventGenerator({
      seed: 5,
      mix: { redelivery: 0.1, invalid: 0.05, conflict: 0.02, otherType: 0.03 },
    });
    const errors: string[] = [];
    ingest.on('commit-error', (e) => errors.push(e.message));
    const rolledBackCounts: number[] = [];
    const allIds = (): string[] => [...generator.ledger.unique.keys()].map(checkInDocId);
    ingest.on('commit-error', () => {
      void store.db.checkins.storageInstance
        .findDocumentsById(allIds(), false)
        .then((docs) => rolledBackCounts.push(docs.length));
    });
    for (let i = 0; i < 1500; i++) {
      const m = generator.next(Date.now());
      const text =
        m.event !== null ? JSON.stringify({ ...m.event, sequence: formatSequence(i + 1) }) : m.raw!;
      ingest.push(text);
    }
    await ingest.flush();
    expect(errors).toEqual(['power cut', 'power cut']);
    expect(rolledBackCounts).toEqual([0, 0]);
    expect(attempts).toBe(3);
    const totals = await readIngestTotals(store.db);
    expect(pickTotals(totals)).toEqual(expectedTotals(generator.ledger));
    expect(await storedFingerprints(store.db)).toEqual(generator.ledger.unique);
    expect(await store.db.quarantine.count().exec()).toBe(generator.ledger.invalid);
  },
);
