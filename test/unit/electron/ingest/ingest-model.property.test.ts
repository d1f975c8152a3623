/**
 * Property: whatever the batch boundaries, commit failures and replays after reconnects, the
 * store ends up with exactly the generator's ledger (the reference model of what a correct
 * consumer keeps).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { StoreTransaction } from '../../../../electron/db';
import { openMemoryStore } from '../../../helpers/memory-store';
import { IngestPipeline } from '../../../../electron/ingest';
import { EventGenerator, formatSequence } from '../../../../electron/demo-venue';
import { expectedTotals, pickTotals, storedFingerprints } from '../../../helpers/relay';

it('matches the reference model for any batching, failures and replays', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.integer({ min: 20, max: 300 }),
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 0, max: 4 }),
      fc.array(fc.integer({ min: 0, max: 299 }), { maxLength: 4 }),
      async (seed, count, batchSize, failEvery, reconnectPoints) => {
        const store = await openMemoryStore('p');
        try {
          let commits = 0;
          // Fails before writing anything: what a rolled-back transaction leaves behind.
          const flaky: StoreTransaction = (fn) =>
            failEvery > 0 && ++commits % (failEvery + 1) === 0
              ? Promise.reject(new Error('transient'))
              : fn();
          const ingest = await IngestPipeline.open({
            db: store.db,
            transaction: flaky,
            batchSize,
            batchWindowMs: 1,
            retryDelayMs: 1,
          });
          const generator = new EventGenerator({
            seed,
            preset: 'small',
            mix: { redelivery: 0.15, invalid: 0.08, otherType: 0.05, conflict: 0.05, reentry: 0.2 },
          });
          const texts: string[] = [];
          for (let i = 0; i < count; i++) {
            const m = generator.next(1_780_000_000_000 + i * 100);
            texts.push(
              m.event !== null
                ? JSON.stringify({ ...m.event, sequence: formatSequence(i + 1) })
                : m.raw!,
            );
          }
          // A reconnect at position p: the relay resumes after the client's cursor, so the
          // messages from there are sent again (exactly what a relay would replay).
          let sent = 0;
          const reconnects = [...new Set(reconnectPoints.filter((p) => p < count))].sort(
            (a, b) => a - b,
          );
          for (const point of [...reconnects, count]) {
            while (sent < point) ingest.push(texts[sent++]!);
            if (point === count) break;
            const after = ingest.resumeCursor();
            let from = 0;
            if (after !== null) {
              while (from < count && /"sequence":"(\d{12})"}$/.exec(texts[from]!)?.[1] !== after)
                from++;
              from += 1;
            }
            while (from < sent) ingest.push(texts[from++]!);
          }
          await ingest.flush();
          expect(pickTotals(ingest.totals)).toEqual(expectedTotals(generator.ledger));
          expect(await storedFingerprints(store.db)).toEqual(generator.ledger.unique);
        } finally {
          await store.close();
        }
      },
    ),
    { numRuns: 25 },
  );
});
