/**
 * Backward index walks, checked on SQLite's own plan: a descending (or mixed) sort must be read
 * from an index in order, with no sort step ("USE TEMP B-TREE FOR ORDER BY") that would read the
 * whole range first, and no sort of ties either (format 3 indexes end before the id; the walk
 * sorts each run of equal values itself). Selectors carry `_deleted: false`, as every RxQuery's
 * does, except one.
 */
import type { StatementSync } from 'node:sqlite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { getRxStorageNodeSqlite } from '../../../../electron/storage';
import type { NodeSqliteInternals } from '../../../../electron/storage';
import { queryRunnerStats } from '../../../../electron/storage/query-runner';
import {
  createInstance,
  docState,
  type Instance,
  makeTempDir,
  preparedQuery,
} from '../../../helpers/storage';

let temp: ReturnType<typeof makeTempDir>;
let instance: Instance;
beforeEach(async () => {
  temp = makeTempDir();
  instance = await createInstance(getRxStorageNodeSqlite({ directory: temp.dir }), 'plan');
  const docs = Array.from({ length: 300 }, (_, i) =>
    docState({
      id: `d${String(i).padStart(3, '0')}`,
      name: `n${i % 17}`,
      age: i % 90,
      flag: i % 2 === 0,
    }),
  );
  expect(
    (
      await instance.bulkWrite(
        docs.map((document) => ({ document })),
        'test',
      )
    ).error,
  ).toEqual([]);
});
afterEach(async () => {
  await instance.close();
  temp.cleanup();
});

/** The SQL statements the table prepared, by their text (test-only look inside). */
function statements(): string[] {
  const table = (
    instance as unknown as { state: { table: { statements: Map<string, StatementSync> } } }
  ).state.table;
  return [...table.statements.values()].map((s) => s.sourceSQL);
}

function plan(sql: string): string {
  const db = (instance.internals as NodeSqliteInternals).connection.db;
  const params = (sql.match(/\?/g) ?? []).map(() => null);
  return db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((row) => String(row.detail))
    .join('\n');
}

it.each([
  [
    'newest name first',
    { selector: { _deleted: false }, sort: [{ name: 'desc' as const }], limit: 10 },
  ],
  [
    'mixed directions',
    {
      selector: { _deleted: false },
      sort: [{ age: 'desc' as const }, { name: 'asc' as const }],
      limit: 10,
    },
  ],
  [
    'a pinned leading field, the rest descending',
    {
      selector: { _deleted: false, age: 30 },
      sort: [{ age: 'desc' as const }, { name: 'desc' as const }],
      limit: 3,
    },
  ],
  [
    // RxDB's planner picks [_meta.lwt, id] here (every index starts with _deleted); the storage
    // walks the [age, name] index for live documents and for tombstones and merges them.
    'the same with _deleted left open',
    {
      selector: { age: 30 },
      sort: [{ age: 'desc' as const }, { name: 'desc' as const }],
      limit: 3,
    },
  ],
])('%s: an index read in order, no sort step', async (_, query) => {
  const before = new Set(statements());
  const runs = { ...queryRunnerStats };
  const result = await instance.query(preparedQuery(query as never));
  expect(result.documents.length).toBeGreaterThan(0);
  expect(queryRunnerStats.walks).toBeGreaterThan(runs.walks);
  expect(queryRunnerStats.fallbacks).toBe(runs.fallbacks);
  const walks = statements().filter((sql) => !before.has(sql) && /\bDESC\b/.test(sql));
  expect(walks.length).toBeGreaterThan(0);
  for (const sql of walks) {
    const detail = plan(sql);
    expect(detail).toMatch(/USING (COVERING )?INDEX/);
    // No sort step at all: not of the whole range, and not of ties on the index's fields
    // ("TEMP B-TREE FOR LAST TERM OF ORDER BY", 0.3 ms a page): the walk sorts its runs.
    expect(detail).not.toMatch(/TEMP B-TREE/);
  }
});
