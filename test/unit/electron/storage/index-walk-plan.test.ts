/**
 * Backward index walks, checked on SQLite's own plan: a descending (or mixed) sort must be read
 * from an index in order, with no sort step ("USE TEMP B-TREE FOR ORDER BY") that would read the
 * whole range first, and no sort of ties either (format 3 indexes end before the id; the walk
 * sorts each run of equal values itself). Selectors carry `_deleted: false`, as every RxQuery's
 * does, except one. Documents with irregular values (index-columns.ts) stop a walk only in an
 * index of their irregular field.
 */
import type { StatementSync } from 'node:sqlite';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
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
    // Only the first sort field must lead the index: each run of one age is sorted by the
    // comparator (as a sort by ticket walks [ticketId, checkedInAt]).
    'a sort whose later fields are not the index fields',
    {
      selector: { _deleted: false },
      sort: [{ age: 'desc' as const }, { flag: 'asc' as const }],
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

it('walks past documents irregular in another index; reads the range when its own index has one', async () => {
  // Irregular names (a control character, an emoji, a trailing space) do not order in SQL as
  // RxDB orders them; they disturb the name indexes only.
  const odd = [
    docState({ id: 'x1', name: '\tTab', age: 30, flag: true }),
    docState({ id: 'x2', name: 'Zoë 😀', age: 31, flag: false }),
    docState({ id: 'x3', name: 'trail ', age: 30, flag: true }),
  ];
  expect(
    (
      await instance.bulkWrite(
        odd.map((document) => ({ document })),
        'test',
      )
    ).error,
  ).toEqual([]);
  const memory = await createInstance(getRxStorageMemory(), 'planmemory');
  const all = await instance.query(preparedQuery({ selector: {}, sort: [{ id: 'asc' }] }));
  await memory.bulkWrite(
    all.documents.map((document) => ({ document })),
    'test',
  );
  // Selectors carry `_deleted`, which MangoQuery's type does not know (as above: `as never`).
  const cases: Array<[unknown, 'walk' | 'read']> = [
    // [flag] holds no irregular value: the walk reads past x1..x3.
    [
      { selector: { _deleted: false }, sort: [{ flag: 'desc' }, { id: 'desc' }], limit: 160 },
      'walk',
    ],
    // The name index: 'trail ' comes first walking down, so the range is read instead.
    [{ selector: { _deleted: false }, sort: [{ name: 'desc' }], limit: 10 }, 'read'],
    // [age, name] from age 31 down meets x2 at once.
    [
      {
        selector: { _deleted: false, age: { $lte: 31 } },
        sort: [{ age: 'desc' }, { name: 'asc' }],
        limit: 10,
      },
      'read',
    ],
    // The same index, but the page ends (ages 89…86) long before an irregular document.
    [
      { selector: { _deleted: false }, sort: [{ age: 'desc' }, { name: 'asc' }], limit: 10 },
      'walk',
    ],
  ];
  try {
    for (const [query, path] of cases) {
      const runs = { ...queryRunnerStats };
      const ours = await instance.query(preparedQuery(query as never));
      const want = await memory.query(preparedQuery(query as never));
      expect(ours.documents.map((d) => d.id)).toEqual(want.documents.map((d) => d.id));
      expect(queryRunnerStats.walks - runs.walks).toBe(path === 'walk' ? 1 : 0);
      expect(queryRunnerStats.fallbacks - runs.fallbacks).toBe(path === 'walk' ? 0 : 1);
    }
  } finally {
    await memory.close();
  }
});
