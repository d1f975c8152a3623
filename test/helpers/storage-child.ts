/**
 * Child process for the storage integration tests (run with `node --import tsx`).
 *   storage-child.ts <dir> write-batches <batchSize>   insert batches forever, "ack <count>" after each
 *   storage-child.ts <dir> groups <batchSize>          grouped writes to two collections forever
 *   storage-child.ts <dir> group-then-hang <batchSize> one group that writes, says "in-group", hangs
 *   storage-child.ts <dir> write <n>                   insert n documents and close
 *   storage-child.ts <dir> dump                        print every checkin as JSON and close
 *   storage-child.ts <dir> full-text-batches <n>       (another file, a collection with a
 *       full-text index) a batch of n (whose index rows wait for the background pass, which
 *       runs between batches), then a batch of 2 (indexed at once), forever; "ack <count>"
 */
import { createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { getRxStorageNodeSqlite, runInStorageTransaction } from '../../electron/storage';
import { type CheckinDoc, checkinSchema, makeCheckin } from './checkin-schema';

type Cursor = { id: string; batches: number };
const cursorSchema: RxJsonSchema<Cursor> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 20 }, batches: { type: 'integer' } },
  required: ['id', 'batches'],
};

export type ChildDb = RxDatabase<{
  checkins: RxCollection<CheckinDoc>;
  cursors: RxCollection<Cursor>;
}>;

export async function openChildDb(directory: string): Promise<ChildDb> {
  const db = (await createRxDatabase({
    name: 'crashdb',
    storage: getRxStorageNodeSqlite({ directory }),
    multiInstance: false,
    closeDuplicates: true,
  })) as ChildDb;
  await db.addCollections({
    checkins: { schema: checkinSchema },
    cursors: { schema: cursorSchema },
  });
  return db;
}

/** The full-text declaration of the kill test: batches of 50+ wait; the pass never waits. */
export const KILL_FULL_TEXT = {
  fields: ['attendeeName', 'ticketId', 'checkInId'],
  newestBy: 'checkedInAt',
  deferFrom: 50,
  deferQuietMs: 0,
} as const;

export type FullTextChildDb = RxDatabase<{ people: RxCollection<CheckinDoc> }>;

export async function openFullTextDb(directory: string): Promise<FullTextChildDb> {
  const db = (await createRxDatabase({
    name: 'ftsdb',
    storage: getRxStorageNodeSqlite({ directory }),
    multiInstance: false,
    closeDuplicates: true,
  })) as FullTextChildDb;
  await db.addCollections({
    people: { schema: checkinSchema, instanceCreationOptions: { fullText: KILL_FULL_TEXT } },
  });
  return db;
}

async function fullTextBatches(directory: string, n: number): Promise<never> {
  const db = await openFullTextDb(directory);
  let stored = await db.people.count().exec();
  say(`ready ${stored}`);
  for (;;) {
    for (const size of [n, 2]) {
      // Out of time order, as a relay's backlog is (rids follow checkedInAt).
      const docs = Array.from({ length: size }, (_, i) => makeCheckin(stored + i)).reverse();
      const result = await db.people.bulkInsert(docs);
      if (result.error.length > 0) throw new Error(JSON.stringify(result.error[0]));
      stored += size;
      say(`ack ${stored}`);
      // A turn of the event loop, as a relay's next message is: the pass runs in between.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

function say(line: string): void {
  process.stdout.write(line + '\n');
}

async function main(): Promise<void> {
  const [directory, mode, arg] = process.argv.slice(2);
  if (!directory || !mode) throw new Error('usage: storage-child.ts <dir> <mode> [n]');
  const n = Number(arg ?? 0);
  if (mode === 'full-text-batches') return fullTextBatches(directory, n);
  const db = await openChildDb(directory);
  let stored = await db.checkins.count().exec();
  say(`ready ${stored}`);
  switch (mode) {
    case 'write-batches':
      for (;;) {
        const docs = Array.from({ length: n }, (_, i) => makeCheckin(stored + i));
        const result = await db.checkins.bulkInsert(docs);
        if (result.error.length > 0) throw new Error(JSON.stringify(result.error[0]));
        stored += n;
        say(`ack ${stored}`);
      }
    case 'groups':
      for (let batches = stored / n; ; batches++) {
        await runInStorageTransaction(db, async () => {
          await db.checkins.bulkInsert(
            Array.from({ length: n }, (_, i) => makeCheckin(stored + i)),
          );
          await db.cursors.upsert({ id: 'cursor', batches: batches + 1 });
        });
        stored += n;
        say(`ack ${stored}`);
      }
    case 'group-then-hang':
      await runInStorageTransaction(db, async () => {
        await db.checkins.bulkInsert(Array.from({ length: n }, (_, i) => makeCheckin(stored + i)));
        await db.cursors.upsert({ id: 'cursor', batches: 1 });
        say('in-group');
        await new Promise(() => setInterval(() => undefined, 1000));
      });
      break;
    case 'write':
      await db.checkins.bulkInsert(Array.from({ length: n }, (_, i) => makeCheckin(i)));
      break;
    case 'dump': {
      const docs = await db.checkins.find({ sort: [{ key: 'asc' }] }).exec();
      say(JSON.stringify(docs.map((d) => d.toJSON())));
      break;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
  await db.close();
}

if (process.argv[1]?.endsWith('storage-child.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
