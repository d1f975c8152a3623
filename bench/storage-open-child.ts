/**
 * Cold start, in its own process: open the database file with RxDB on our storage and run the
 * first indexed query. Prints one JSON line { openMs, firstQueryMs, rows }.
 */
import { performance } from 'node:perf_hooks';
import { createRxDatabase, type RxCollection } from 'rxdb';
import { getRxStorageNodeSqlite } from '../electron/storage';
import { type CheckinDoc, checkinSchema } from '../test/helpers/checkin-schema';

const [directory] = process.argv.slice(2);
if (!directory) throw new Error('usage: storage-open-child.ts <dir>');
const t0 = performance.now();
const db = await createRxDatabase<{ checkins: RxCollection<CheckinDoc> }>({
  name: 'bench',
  storage: getRxStorageNodeSqlite({ directory }),
  multiInstance: false,
});
await db.addCollections({ checkins: { schema: checkinSchema } });
const t1 = performance.now();
const docs = await db.checkins
  .find({ selector: { gate: 'gate-07' }, sort: [{ checkedInAt: 'desc' }], limit: 50 })
  .exec();
const t2 = performance.now();
console.log(JSON.stringify({ openMs: t1 - t0, firstQueryMs: t2 - t1, rows: docs.length }));
await db.close();
