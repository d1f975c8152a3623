/**
 * Files written before format 3 (format 2: every SQL index ends with the primary key, as RxDB's
 * index does) are used as they are at once — same answers as RxDB's memory storage, including
 * ties that only the id orders — and their indexes are rebuilt as format 3 in the background, one
 * per transaction; a rebuild stopped midway carries on at the next open. New tables get format 3
 * (no id at the end).
 */
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, expect, it } from 'vitest';
import { getRxStorageNodeSqlite } from '../../../../electron/storage';
import { queryRunnerStats } from '../../../../electron/storage/query-runner';
import {
  createInstance,
  docState,
  makeTempDir,
  preparedQuery,
  type TestDoc,
} from '../../../helpers/storage';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

type IndexRow = { name: string; sql: string };

function indexes(file: string): IndexRow[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'items--v0__i%'" +
          ' ORDER BY name',
      )
      .all() as IndexRow[];
  } finally {
    db.close();
  }
}

/** Turns a table the current code wrote into what format 2 wrote: `id` back at each index's end. */
function downgradeToFormat2(file: string): void {
  const db = new DatabaseSync(file);
  try {
    db.exec('BEGIN');
    for (const { name, sql } of indexes(file)) {
      if (/"id"\)$/.test(sql)) continue;
      db.exec(`DROP INDEX "${name}"`);
      db.exec(sql.replace(/\)$/, ', "id")'));
    }
    db.exec("UPDATE rx_storage_tables SET format = 2 WHERE name = 'items--v0'");
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

const queries = [
  { selector: { _deleted: false }, sort: [{ name: 'asc' as const }], skip: 5, limit: 20 },
  { selector: { _deleted: false }, sort: [{ name: 'desc' as const }], limit: 25 },
  {
    selector: { _deleted: false },
    sort: [{ age: 'desc' as const }, { name: 'asc' as const }],
    limit: 30,
  },
  { selector: { _deleted: false, age: 3 }, sort: [{ name: 'desc' as const }], limit: 10 },
  { selector: { age: 2 }, sort: [{ age: 'desc' as const }, { name: 'desc' as const }], limit: 9 },
  { selector: { _deleted: false, flag: true }, sort: [{ flag: 'asc' as const }], limit: 40 },
];

it('reads a format-2 table at once, rebuilds its indexes in the background, creates format 3 tables', async () => {
  const temp = makeTempDir('gate-ops-format2-');
  cleanups.push(temp.cleanup);
  const file = path.join(temp.dir, 'f2.sqlite');
  // Many ties: 7 names × 5 ages over 400 documents, ids not in insertion order, some deleted.
  const docs = Array.from({ length: 400 }, (_, i) =>
    docState(
      {
        id: `d${String((i * 263) % 400).padStart(3, '0')}`,
        name: `n${i % 7}`,
        age: i % 5,
        flag: i % 3 === 0,
      } as TestDoc,
      undefined,
      i % 11 === 0,
    ),
  );
  const write = async (instance: Awaited<ReturnType<typeof createInstance>>) =>
    expect(
      (
        await instance.bulkWrite(
          docs.map((document) => ({ document: structuredClone(document) })),
          'test',
        )
      ).error,
    ).toEqual([]);

  const reference = await createInstance(getRxStorageMemory(), 'f2-reference');
  await write(reference);
  const sameAnswers = async (ours: Awaited<ReturnType<typeof createInstance>>) => {
    const before = { ...queryRunnerStats };
    for (const query of queries) {
      const prepared = preparedQuery(query as never);
      const [a, b] = await Promise.all([ours.query(prepared), reference.query(prepared)]);
      expect(a.documents.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(a.documents, JSON.stringify(query)).toEqual(b.documents);
    }
    expect(queryRunnerStats.fallbacks).toBe(before.fallbacks);
    const count = preparedQuery({ selector: { _deleted: false, age: 1 } } as never);
    expect((await ours.count(count)).count).toBe((await reference.count(count)).count);
  };

  const created = await createInstance(getRxStorageNodeSqlite({ directory: temp.dir }), 'f2');
  await write(created);
  await sameAnswers(created);
  await created.close();
  const format3 = indexes(file);
  expect(format3.length).toBe(4);
  // [_deleted, name, id] and the others lose their trailing id; [_meta.lwt, id] too.
  for (const { sql } of format3) expect(sql).not.toMatch(/"id"\)$/);

  downgradeToFormat2(file);
  const format2 = indexes(file);
  for (const { sql } of format2) expect(sql).toMatch(/"id"\)$/);

  const formatOf = () => {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      return db.prepare("SELECT format FROM rx_storage_tables WHERE name = 'items--v0'").get()
        ?.format;
    } finally {
      db.close();
    }
  };

  // Answers at once, whatever the background rebuild has done yet; once it is done the indexes
  // are format 3 and the catalog says so.
  const ours = await createInstance(getRxStorageNodeSqlite({ directory: temp.dir }), 'f2');
  await sameAnswers(ours);
  await (ours as unknown as { indexesReady(): Promise<void> }).indexesReady();
  await sameAnswers(ours);
  await ours.close();
  expect(indexes(file)).toEqual(format3);
  expect(formatOf()).toBe(3);

  // Stopped after its first index (one transaction each): the next open does the rest.
  downgradeToFormat2(file);
  const upgradedFirst = new DatabaseSync(file);
  const first = format3[0]!;
  upgradedFirst.exec(`DROP INDEX "${first.name}"`);
  upgradedFirst.exec(first.sql);
  upgradedFirst.close();
  expect(indexes(file).filter(({ sql }) => /"id"\)$/.test(sql)).length).toBe(format3.length - 1);
  expect(formatOf()).toBe(2);
  const again = await createInstance(getRxStorageNodeSqlite({ directory: temp.dir }), 'f2');
  await (again as unknown as { indexesReady(): Promise<void> }).indexesReady();
  await sameAnswers(again);
  await again.close();
  await reference.close();
  expect(indexes(file)).toEqual(format3);
  expect(formatOf()).toBe(3);
});
