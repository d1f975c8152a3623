/**
 * Cold start, in its own process: open the app database in <dir> on our storage and read the
 * first newest-first page of check-ins. Prints one JSON line { openMs, firstQueryMs, rows }.
 */
import { performance } from 'node:perf_hooks';
import { openStore, queryRaw } from '../electron/db';

const [directory] = process.argv.slice(2);
if (!directory) throw new Error('usage: storage-open-child.ts <dir>');
const t0 = performance.now();
const store = await openStore(directory);
const t1 = performance.now();
const docs = await queryRaw(store.db.checkins, {
  selector: {},
  sort: [{ checkedInAt: 'desc' }],
  limit: 50,
});
const t2 = performance.now();
console.log(JSON.stringify({ openMs: t1 - t0, firstQueryMs: t2 - t1, rows: docs.length }));
await store.close();
