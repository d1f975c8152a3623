/**
 * Opens a data folder in a process of its own, migrating it in small batches and printing each
 * step (`progress DONE TOTAL`), then `opened COUNT`: the migration crash test kills it midway.
 *   migrate-child.ts DATA_DIR BATCH_SIZE
 */
import { openStore } from '../../electron/db';

const [dir, batch] = process.argv.slice(2);
if (!dir || !batch) throw new Error('usage: migrate-child.ts DATA_DIR BATCH_SIZE');
const store = await openStore(dir, 'gate-ops', {
  migration: {
    batchSize: Number(batch),
    onProgress: (p) => process.stdout.write(`progress ${p.done} ${p.total}\n`),
  },
});
process.stdout.write(`opened ${await store.db.checkins.count().exec()}\n`);
await store.close();
