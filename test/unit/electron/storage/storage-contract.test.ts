import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { firstValueFrom } from 'rxjs';
import { toArray } from 'rxjs/operators';
import type { EventBulk, RxStorageChangeEvent } from 'rxdb';
import { fillWithDefaultSettings, getChangedDocumentsSince, now } from 'rxdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AttachmentsUnsupportedError,
  getRxStorageNodeSqlite,
  StorageDamagedError,
} from '../../../../electron/storage';
import {
  createInstance,
  type Data,
  type Instance,
  insertRow,
  makeTempDir,
  preparedQuery,
  testSchema,
  updateRow,
} from '../../../helpers/storage';

let temp: ReturnType<typeof makeTempDir>;
let storage: ReturnType<typeof getRxStorageNodeSqlite>;
let instance: Instance;

beforeEach(async () => {
  temp = makeTempDir();
  storage = getRxStorageNodeSqlite({ directory: temp.dir });
  instance = await createInstance(storage, 'contract');
});
afterEach(async () => {
  await instance.close();
  temp.cleanup();
});

const alice = { id: 'a', name: 'alice', age: 30, flag: true };
const bob = { id: 'b', name: 'bob', age: 25, flag: false };

async function only(id: string, withDeleted = false): Promise<Data | undefined> {
  return (await instance.findDocumentsById([id], withDeleted))[0];
}

describe('bulkWrite', () => {
  it('inserts and finds documents by id, in the order asked', async () => {
    const result = await instance.bulkWrite([insertRow(alice), insertRow(bob)], 'test');
    expect(result.error).toEqual([]);
    const found = await instance.findDocumentsById(['b', 'missing', 'a'], false);
    expect(found.map((d) => d.id)).toEqual(['b', 'a']);
    expect(found[1]).toMatchObject(alice);
  });

  it('reports a 409 with documentInDb for an insert over an existing document', async () => {
    await instance.bulkWrite([insertRow(alice)], 'test');
    const stored = await only('a');
    const result = await instance.bulkWrite(
      [insertRow({ ...alice, age: 99 }), insertRow(bob)],
      'test',
    );
    expect(result.error).toHaveLength(1);
    expect(result.error[0]).toMatchObject({ status: 409, documentId: 'a', documentInDb: stored });
    expect((await only('a'))?.age).toBe(30);
    expect(await only('b')).toMatchObject(bob);
  });

  it('accepts an update with the current _rev and rejects a stale one', async () => {
    await instance.bulkWrite([insertRow(alice)], 'test');
    const v1 = (await only('a'))!;
    expect((await instance.bulkWrite([updateRow(v1, { age: 31 })], 'test')).error).toEqual([]);
    const v2 = (await only('a'))!;
    const stale = await instance.bulkWrite([updateRow(v1, { age: 40 })], 'test');
    expect(stale.error[0]).toMatchObject({ status: 409, documentInDb: v2 });
    expect((await only('a'))?.age).toBe(31);
  });

  it('keeps deleted documents as tombstones', async () => {
    await instance.bulkWrite([insertRow(alice)], 'test');
    await instance.bulkWrite([updateRow((await only('a'))!, {}, true)], 'test');
    expect(await only('a')).toBeUndefined();
    expect((await only('a', true))?._deleted).toBe(true);
    const undeleted = await instance.bulkWrite(
      [updateRow((await only('a', true))!, { age: 1 })],
      'test',
    );
    expect(undeleted.error).toEqual([]);
    expect((await only('a'))?.age).toBe(1);
  });

  it('emits change events before bulkWrite resolves, and none for a batch that only failed', async () => {
    const seen: EventBulk<RxStorageChangeEvent<unknown>, unknown>[] = [];
    const sub = instance.changeStream().subscribe((bulk) => seen.push(bulk as never));
    await instance.bulkWrite([insertRow(alice), insertRow(bob)], 'ctx');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.context).toBe('ctx');
    expect(seen[0]?.events.map((e) => [e.operation, e.documentId])).toEqual([
      ['INSERT', 'a'],
      ['INSERT', 'b'],
    ]);
    expect(seen[0]?.checkpoint).toEqual({ id: 'b', lwt: (await only('b'))?._meta.lwt });
    await instance.bulkWrite([insertRow(alice)], 'conflict-only');
    expect(seen).toHaveLength(1);
    await instance.bulkWrite([updateRow((await only('a'))!, {}, true)], 'delete');
    expect(seen[1]?.events[0]?.operation).toBe('DELETE');
    sub.unsubscribe();
  });
});

describe('query and count', () => {
  beforeEach(async () => {
    const rows = Array.from({ length: 30 }, (_, i) =>
      insertRow({
        id: `d${String(i).padStart(2, '0')}`,
        name: `n${i % 5}`,
        age: i,
        flag: i % 2 === 0,
        tag: `t${i % 3}`,
      }),
    );
    await instance.bulkWrite(rows, 'seed');
  });

  it('runs a range on an index with skip and limit, in index order', async () => {
    const q = preparedQuery({
      selector: { _deleted: false, age: { $gte: 10, $lt: 20 } } as never,
      sort: [{ age: 'asc' }],
      skip: 2,
      limit: 3,
    });
    expect(q.queryPlan.index).toEqual(['_deleted', 'age', 'name', 'id']);
    expect(q.queryPlan.selectorSatisfiedByIndex).toBe(true);
    expect((await instance.query(q)).documents.map((d) => d.age)).toEqual([12, 13, 14]);
  });

  it('honours limit: 0', async () => {
    expect((await instance.query(preparedQuery({ selector: {}, limit: 0 }))).documents).toEqual([]);
  });

  it('matches and sorts in JavaScript what the index does not cover', async () => {
    const q = preparedQuery({
      selector: { tag: 't1', age: { $gt: 5 } },
      sort: [{ name: 'desc' }],
      limit: 4,
    });
    expect(q.queryPlan.selectorSatisfiedByIndex).toBe(false);
    const docs = (await instance.query(q)).documents;
    expect(docs.map((d) => [d.name, d.id])).toEqual([
      ['n4', 'd19'],
      ['n3', 'd13'],
      ['n3', 'd28'],
      ['n2', 'd07'],
    ]);
  });

  it('counts fast on a covered selector and exactly otherwise', async () => {
    expect(
      await instance.count(preparedQuery({ selector: { _deleted: false, name: 'n1' } as never })),
    ).toEqual({ count: 6, mode: 'fast' });
    expect(await instance.count(preparedQuery({ selector: { tag: 't0' } }))).toEqual({
      count: 10,
      mode: 'slow',
    });
  });

  it('pages through changes with checkpoints', async () => {
    const first = await getChangedDocumentsSince(instance, 20);
    expect(first.documents).toHaveLength(20);
    const second = await getChangedDocumentsSince(instance, 20, first.checkpoint);
    expect(second.documents).toHaveLength(10);
    const empty = await getChangedDocumentsSince(instance, 20, second.checkpoint);
    expect(empty).toEqual({ documents: [], checkpoint: second.checkpoint });
    const lwts = [...first.documents, ...second.documents].map((d) => d._meta.lwt);
    expect(lwts).toEqual([...lwts].sort((a, b) => a - b));
  });
});

describe('ordering as JavaScript orders', () => {
  it('sorts index ranges above U+FFFF by UTF-16 code units, not UTF-8 bytes', async () => {
    const names = ['😀', '\uff21', 'z', '\ue000', '𝄞x', 'A', 'é'];
    await instance.bulkWrite(
      names.map((name, i) => insertRow({ id: `u${i}`, name, age: 1, flag: true })),
      't',
    );
    const q = preparedQuery({
      selector: { _deleted: false, name: { $gt: '' } } as never,
      sort: [{ name: 'asc' }],
    });
    expect(q.queryPlan.sortSatisfiedByIndex).toBe(true);
    const got = (await instance.query(q)).documents.map((d) => d.name);
    expect(got).toEqual([...names].sort());
    const between = preparedQuery({
      selector: { _deleted: false, name: { $gte: '𝄞', $lt: '\ue000' } } as never,
      sort: [{ name: 'asc' }],
    });
    const expected = names.filter((n) => n >= '𝄞' && n < '\ue000').sort();
    expect(expected).toEqual(['𝄞x', '😀']);
    expect((await instance.query(between)).documents.map((d) => d.name)).toEqual(expected);
  });
});

describe('cleanup, close, remove', () => {
  it('cleanup removes only tombstones older than the given age', async () => {
    await instance.bulkWrite([insertRow(alice), insertRow(bob)], 't');
    await instance.bulkWrite([updateRow((await only('a'))!, {}, true)], 't');
    expect(await instance.cleanup(60_000)).toBe(true);
    expect(await only('a', true)).toMatchObject({ id: 'a', _deleted: true });
    const lwt = (await only('a', true))!._meta.lwt;
    while (now() <= lwt) await new Promise((r) => setImmediate(r));
    expect(await instance.cleanup(0)).toBe(true);
    expect(await only('a', true)).toBeUndefined();
    expect(await only('b')).toMatchObject(bob);
  });

  it('close is safe twice and later calls fail clearly', async () => {
    await instance.close();
    await instance.close();
    await expect(instance.findDocumentsById(['a'], false)).rejects.toThrow(/closed/);
  });

  it('remove after close rejects with a plain Error, as the RxDB storage rules ask', async () => {
    await instance.close();
    const error = await instance.remove().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor).toBe(Error);
    expect((error as Error).message).toMatch(/closed/);
  });

  it('remove drops the collection data', async () => {
    await instance.bulkWrite([insertRow(alice)], 't');
    await instance.remove();
    instance = await createInstance(storage, 'contract');
    expect(await only('a', true)).toBeUndefined();
  });

  it('refuses schemas with attachments with a clear error', async () => {
    const schema = fillWithDefaultSettings({ ...testSchema, attachments: {} });
    await expect(createInstance(storage, 'contract', 'files', schema)).rejects.toBeInstanceOf(
      AttachmentsUnsupportedError,
    );
  });
});

describe('damaged file', () => {
  it('throws StorageDamagedError and keeps the file aside, never replacing it silently', async () => {
    const file = path.join(temp.dir, 'broken.sqlite');
    writeFileSync(file, 'this is not an SQLite database, it is a damaged file'.repeat(100));
    const error = await createInstance(storage, 'broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageDamagedError);
    expect((error as StorageDamagedError).message).toMatch(/damaged/);
    expect(existsSync(file)).toBe(false);
    const kept = readdirSync(temp.dir).filter((f) => f.startsWith('broken.sqlite.damaged-'));
    expect(kept).toHaveLength(1);
    expect(existsSync((error as StorageDamagedError).keptAsidePath)).toBe(true);
  });
});

it('two instances of one collection share data and change events', async () => {
  const second = await createInstance(storage, 'contract');
  const events = firstValueFrom(second.changeStream().pipe(toArray()));
  await instance.bulkWrite([insertRow(alice)], 't');
  expect((await second.findDocumentsById(['a'], false))[0]?.name).toBe('alice');
  await second.close();
  await instance.close();
  expect((await events).length).toBe(1);
});
