/** runInStorageTransaction through real RxDB collections on a file. */
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runInStorageTransaction } from '../../../../electron/storage';
import { makeCheckin } from '../../../helpers/checkin-schema';
import { type ChildDb, openChildDb } from '../../../helpers/storage-child';
import { makeTempDir } from '../../../helpers/storage';

let temp: ReturnType<typeof makeTempDir>;
let db: ChildDb;
beforeEach(async () => {
  temp = makeTempDir();
  db = await openChildDb(temp.dir);
});
afterEach(async () => {
  await db.close();
  temp.cleanup();
});

/** What another connection (another process) sees: only committed data. */
function committedCheckins(): number {
  const other = new DatabaseSync(path.join(temp.dir, 'crashdb.sqlite'), { readOnly: true });
  try {
    return Number(other.prepare('SELECT count(*) AS n FROM "checkins--v0"').get()?.n);
  } finally {
    other.close();
  }
}

it('makes bulkInsert and bulkUpsert on two collections join one transaction, events after COMMIT', async () => {
  const events: string[] = [];
  const sub = db.checkins.$.subscribe((e) => events.push(e.documentId));
  const result = await runInStorageTransaction(db, async () => {
    await db.checkins.bulkInsert([makeCheckin(1), makeCheckin(2)]);
    await db.checkins.bulkUpsert([{ ...makeCheckin(2), gate: 'gate-99' }, makeCheckin(3)]);
    await db.cursors.upsert({ id: 'cursor', batches: 1 });
    // Inside: our own connection sees the writes, nobody else does, no events yet.
    expect(await db.checkins.count().exec()).toBe(3);
    expect(committedCheckins()).toBe(0);
    expect(events).toEqual([]);
    return 'done';
  });
  expect(result).toBe('done');
  expect(committedCheckins()).toBe(3);
  expect(events).toHaveLength(4);
  expect((await db.checkins.findOne(makeCheckin(2).key).exec())?.gate).toBe('gate-99');
  sub.unsubscribe();
});

it('rolls back every write of the group when fn throws, and emits nothing', async () => {
  await db.checkins.bulkInsert([makeCheckin(1)]);
  const events: string[] = [];
  const sub = db.checkins.$.subscribe((e) => events.push(e.documentId));
  await expect(
    runInStorageTransaction(db, async () => {
      await db.checkins.bulkInsert([makeCheckin(2), makeCheckin(3)]);
      await db.cursors.upsert({ id: 'cursor', batches: 7 });
      throw new Error('ingest failed');
    }),
  ).rejects.toThrow('ingest failed');
  expect(events).toEqual([]);
  expect(committedCheckins()).toBe(1);
  expect(await db.cursors.findOne('cursor').exec()).toBeNull();
  const stored = await db.checkins.storageInstance.findDocumentsById([makeCheckin(2).key], true);
  expect(stored).toEqual([]);
  sub.unsubscribe();
});

it('runs groups one after another and lets a nested call join the outer group', async () => {
  const order: string[] = [];
  const first = runInStorageTransaction(db, async () => {
    order.push('first:start');
    await db.checkins.bulkInsert([makeCheckin(1)]);
    await runInStorageTransaction(db, async () => {
      await db.checkins.bulkInsert([makeCheckin(2)]);
    });
    await new Promise((r) => setTimeout(r, 5));
    order.push('first:end');
  });
  const second = runInStorageTransaction(db, async () => {
    order.push('second:start');
    await db.checkins.bulkInsert([makeCheckin(3)]);
  });
  await Promise.all([first, second]);
  expect(order).toEqual(['first:start', 'first:end', 'second:start']);
  expect(committedCheckins()).toBe(3);
});

it('still reports per-document conflicts inside a group', async () => {
  await db.checkins.bulkInsert([makeCheckin(1)]);
  await runInStorageTransaction(db, async () => {
    const result = await db.checkins.bulkInsert([makeCheckin(1), makeCheckin(2)]);
    expect(result.error.map((e) => e.status)).toEqual([409]);
  });
  expect(committedCheckins()).toBe(2);
});
