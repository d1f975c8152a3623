/**
 * Writes into a data folder the way a busy app does, for the `gate-ops stats` benchmark's "while
 * the app is writing" runs: the relay simulator's check-ins through the ingest's own
 * `commitBatch`, a batch of 50 every 50 ms (≈1,000 a second), one transaction each, until told to
 * stop. Sends `writing` once the first batch is in; on `mark` it reports how many it wrote and
 * how long its commits took since the last mark (the bench compares the writer alone with the
 * writer while `stats` runs: did stats hold ingest up?); on `stop` it closes the store, reports
 * the same, and exits. (It must exit by itself: a `message` listener keeps the IPC channel, and with
 * it the process, alive — the reason the first version of this bench never finished.)
 *   stats-writer-child.ts DATA_DIR
 */
import { DATABASE_NAME, openStore, readIngestTotals } from '../electron/db';
import { commitBatch } from '../electron/ingest/batch-commit';
import { RealisticMessages } from './storage-fixture';

const dir = process.argv[2];
if (!dir) throw new Error('usage: stats-writer-child.ts DATA_DIR');
const store = await openStore(dir, DATABASE_NAME);
let totals = await readIngestTotals(store.db);
// Another seed and a later clock than the realistic store's (seed 99): new check-ins, not redeliveries.
const messages = new RealisticMessages(4242, Date.UTC(2026, 4, 6, 16, 0, 0));
let stop = false;
let commitMs: number[] = [];
let wrote = 0;
let announced = false;
const report = () => {
  const sorted = [...commitMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { wrote, commits: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) };
};
// `mark`: report the commits since the last mark (or the start) and start counting anew.
process.on('message', (m) => {
  if (m === 'mark') {
    process.send?.(report());
    commitMs = [];
    wrote = 0;
  } else stop = true;
});
while (!stop) {
  const t = performance.now();
  totals = (await commitBatch(store.db, store.transaction, messages.next(50), totals)).totals;
  commitMs.push(performance.now() - t);
  wrote += 50;
  if (!announced) process.send?.('writing');
  announced = true;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await store.close();
process.send?.(report());
process.disconnect();
