/**
 * Same generated operations on our storage and on RxDB's memory storage: same results.
 *
 * Two value sets: "tricky" strings (control characters, trailing spaces, characters above
 * U+FFFF…) that our storage keeps out of its SQL indexes (exact RxDB keys in a side table),
 * and "regular" ones only, so descending and mixed sorts take the index walk. Numbers include
 * values outside the schema's range and values that tie once cut to `multipleOf` (RxDB clamps
 * and quantizes index keys; our SQL columns must do the same arithmetic). Queries come with and
 * without `_deleted` (RxDB's collections always add it) and sometimes with a forced index.
 */
import fc from 'fast-check';
import {
  createRevision,
  fillWithDefaultSettings,
  getChangedDocumentsSince,
  normalizeMangoQuery,
  now,
  prepareQuery,
  randomToken,
  type BulkWriteRow,
  type MangoQuery,
  type MangoQuerySelector,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageInstance,
} from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, describe, expect, it } from 'vitest';
import { getRxStorageNodeSqlite } from '../../../../electron/storage';
import { queryRunnerStats } from '../../../../electron/storage/query-runner';
import { makeTempDir } from '../../../helpers/storage';

type TestDoc = {
  id: string;
  name: string;
  age: number;
  score: number;
  flag: boolean;
  tag?: string;
};
type Data = RxDocumentData<TestDoc>;
type Instance = RxStorageInstance<TestDoc, unknown, unknown>;

const schema: RxJsonSchema<Data> = fillWithDefaultSettings<TestDoc>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    name: { type: 'string', maxLength: 20 },
    age: { type: 'integer', minimum: 0, maximum: 150, multipleOf: 1 },
    score: { type: 'number', minimum: -10, maximum: 1000, multipleOf: 0.01 },
    flag: { type: 'boolean' },
    tag: { type: 'string' },
  },
  required: ['id', 'name', 'age', 'score', 'flag'],
  indexes: ['name', ['age', 'name'], 'flag', ['score', 'age'], ['flag', 'score', 'name']],
});
const schemaIndexes = (schema.indexes ?? []).map((i) => (typeof i === 'string' ? [i] : [...i]));
const userIndexes = [
  ['name'],
  ['age', 'name'],
  ['flag'],
  ['score', 'age'],
  ['flag', 'score', 'name'],
];

const temp = makeTempDir();
afterAll(() => temp.cleanup());

const trickyIds = ['a', 'b', 'c', 'd', '-0', '!x', '01', 'h', 'i', 'j', 'k', '😀'];
const regularIds = ['a', 'b', 'c', '-0', '-Inf', '!x', '01', 'h', 'i', 'j', 'k', 'é'];
const trickyNames = [
  '',
  'a',
  'B',
  'bob',
  'é',
  '😀',
  '𝄞',
  '\uff21',
  '\ue000',
  'a b',
  'a\tb',
  ' ',
  'a  ',
];
const regularNames = ['', 'a', 'B', 'bob', 'é', 'Zoë', '\uff21', '\ue000', 'a b', 'ab', 'b a'];
const ages = [0, 1, 5, 30, 99, 150];
// Out of range (clamped), and ties after cutting to 0.01.
const scores = [-20, -10, 0, 1.001, 1.004, 1.005, 2.12, 2.125, 2.13, 999.999, 1000, 1e6];
const tags = ['x', 'y', 'z'];

function operations(ids: readonly string[], names: readonly string[]) {
  const fields = fc.record({
    name: fc.constantFrom(...names),
    age: fc.constantFrom(...ages),
    score: fc.constantFrom(...scores),
    flag: fc.boolean(),
    tag: fc.option(fc.constantFrom(...tags), { nil: undefined }),
  });

  const writeItem = fc.record({
    id: fc.constantFrom(...ids),
    action: fc.constantFrom('insert', 'update', 'update', 'delete', 'stale'),
    fields,
  });

  const comparison = <T>(values: fc.Arbitrary<T>) =>
    fc.oneof(
      values.map((v) => ({ $eq: v })),
      values.map((v) => ({ $gt: v })),
      values.map((v) => ({ $gte: v })),
      values.map((v) => ({ $lt: v })),
      values.map((v) => ({ $lte: v })),
      values.map((v) => ({ $ne: v })),
      fc.array(values, { minLength: 1, maxLength: 3 }).map((vs) => ({ $in: vs })),
      fc.tuple(values, values).map(([a, b]) => ({ $gte: a, $lt: b })),
    );

  const condition = fc.record(
    {
      name: comparison(fc.constantFrom(...names)),
      age: comparison(fc.constantFrom(...ages)),
      score: comparison(fc.constantFrom(...scores)),
      flag: fc.boolean().map((b) => ({ $eq: b })),
      tag: fc.oneof(
        comparison(fc.constantFrom(...tags)),
        fc.boolean().map((b) => ({ $exists: b })),
      ),
    },
    { requiredKeys: [] },
  );

  const selector = fc
    .tuple(condition, fc.boolean(), fc.option(fc.tuple(condition, condition), { freq: 5 }))
    .map(([base, notDeleted, or]) => {
      const s: Record<string, unknown> = { ...base };
      if (notDeleted) s._deleted = { $eq: false };
      if (or) s.$or = or;
      return s as MangoQuerySelector<Data>;
    });

  const sortField = fc.constantFrom('name', 'age', 'score', 'flag', 'tag', 'id');
  const sort = fc
    .uniqueArray(fc.tuple(sortField, fc.constantFrom('asc', 'desc')), {
      maxLength: 3,
      selector: (t) => t[0],
    })
    .map((parts) => parts.map(([f, dir]) => ({ [f]: dir })));

  return fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('write' as const),
        items: fc.uniqueArray(writeItem, { minLength: 1, maxLength: 6, selector: (w) => w.id }),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('query' as const),
        selector,
        sort,
        skip: fc.option(fc.nat(5), { nil: undefined }),
        limit: fc.option(fc.nat(6), { nil: undefined }),
        index: fc.option(fc.constantFrom(...schemaIndexes), { nil: undefined, freq: 4 }),
      }),
      weight: 4,
    },
    {
      // As the app asks: live documents (or all), sorted along one of the schema's indexes in any
      // directions (newest first…), maybe narrowed on the index's first field, one page.
      arbitrary: fc
        .record({
          index: fc.constantFrom(...userIndexes),
          directions: fc.array(fc.constantFrom('asc', 'desc'), { minLength: 4, maxLength: 4 }),
          withId: fc.boolean(),
          // Storage-level callers may leave `_deleted` open: then tombstones are in the page.
          live: fc.boolean(),
          narrow: fc.option(condition, { nil: undefined }),
          skip: fc.option(fc.nat(3), { nil: undefined }),
          limit: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        })
        .map(({ index, directions, withId, live, narrow, skip, limit }) => {
          const fields = withId ? [...index, 'id'] : index;
          const first = index[0]!;
          const selector: Record<string, unknown> = live ? { _deleted: { $eq: false } } : {};
          const narrowing = narrow as Record<string, unknown> | undefined;
          if (narrowing?.[first]) selector[first] = narrowing[first];
          return {
            kind: 'query' as const,
            selector: selector as MangoQuerySelector<Data>,
            sort: fields.map((f, i) => ({ [f]: directions[i]! })),
            skip,
            limit,
            index: undefined,
          };
        }),
      weight: 4,
    },
    { arbitrary: fc.record({ kind: fc.constant('count' as const), selector }), weight: 2 },
    {
      arbitrary: fc.record({
        kind: fc.constant('changes' as const),
        limit: fc.integer({ min: 1, max: 5 }),
      }),
      weight: 1,
    },
    { arbitrary: fc.constant({ kind: 'cleanup' as const }), weight: 1 },
  );
}

type Operation = ReturnType<typeof operations> extends fc.Arbitrary<infer T> ? T : never;
type WriteItem = Extract<Operation, { kind: 'write' }>['items'][number];

async function createInstance(storage: RxStorage<unknown, unknown>, databaseName: string) {
  return (await storage.createStorageInstance<TestDoc>({
    databaseInstanceToken: randomToken(10),
    databaseName,
    collectionName: 'items',
    schema,
    options: {},
    multiInstance: false,
    devMode: true,
  })) as Instance;
}

function docState(fields: TestDoc, previous?: Data, deleted = false): Data {
  const doc: Data = {
    ...fields,
    _deleted: deleted,
    _attachments: {},
    _meta: { lwt: now() },
    _rev: '',
  };
  doc._rev = createRevision(randomToken(10), previous);
  return doc;
}

function plainFields(doc: Data): TestDoc {
  const copy: Partial<Data> = { ...doc };
  delete copy._deleted;
  delete copy._attachments;
  delete copy._meta;
  delete copy._rev;
  return copy as TestDoc;
}

function preparedQuery(query: MangoQuery<TestDoc>) {
  return prepareQuery<Data>(schema, normalizeMangoQuery<Data>(schema, query as MangoQuery<Data>));
}

function row(item: WriteItem, current?: Data): BulkWriteRow<TestDoc> {
  const next: TestDoc = { id: item.id, ...item.fields };
  if (next.tag === undefined) delete next.tag;
  switch (item.action) {
    case 'insert':
      return { document: docState(next) };
    case 'delete':
      return current
        ? { previous: current, document: docState(plainFields(current), current, true) }
        : { document: docState(next) };
    case 'stale':
      return current
        ? { previous: { ...current, _rev: '1-stale' }, document: docState(next, current) }
        : { document: docState(next) };
    default:
      return current
        ? { previous: current, document: docState(next, current) }
        : { document: docState(next) };
  }
}

async function runBoth(ids: readonly string[], ops: readonly Operation[]): Promise<void> {
  const name = 'diff' + randomToken(8);
  const ours = await createInstance(getRxStorageNodeSqlite({ directory: temp.dir }), name);
  const reference = await createInstance(getRxStorageMemory(), name);
  const pair: [Instance, Instance] = [ours, reference];
  const checkpoints: [unknown, unknown] = [undefined, undefined];
  try {
    for (const op of ops) {
      if (op.kind === 'write') {
        const current = await reference.findDocumentsById(
          op.items.map((i) => i.id),
          true,
        );
        const rows = op.items.map((item) =>
          row(
            item,
            current.find((d) => d.id === item.id),
          ),
        );
        const [a, b] = await Promise.all(
          pair.map((s) => s.bulkWrite(structuredClone(rows), 'diff')),
        );
        expect(a?.error).toEqual(b?.error);
      } else if (op.kind === 'query') {
        const query: MangoQuery<TestDoc> = {
          selector: op.selector,
          sort: op.sort,
          skip: op.skip,
          limit: op.limit,
        } as MangoQuery<TestDoc>;
        if (op.index) query.index = [...op.index];
        const q = preparedQuery(query);
        const [a, b] = await Promise.all(pair.map((s) => s.query(q)));
        expect(a?.documents, JSON.stringify(q)).toEqual(b?.documents);
      } else if (op.kind === 'count') {
        const q = preparedQuery({ selector: op.selector } as MangoQuery<TestDoc>);
        const [a, b] = await Promise.all(pair.map((s) => s.count(q)));
        expect(a?.count).toBe(b?.count);
      } else if (op.kind === 'changes') {
        const [a, b] = await Promise.all(
          pair.map((s, i) => getChangedDocumentsSince(s, op.limit, checkpoints[i] as never)),
        );
        expect(a).toEqual(b);
        checkpoints[0] = a?.checkpoint;
        checkpoints[1] = b?.checkpoint;
      } else {
        await Promise.all(pair.map((s) => s.cleanup(0)));
        const [a, b] = await Promise.all(pair.map((s) => s.findDocumentsById([...ids], true)));
        expect(a).toEqual(b);
      }
    }
    const [a, b] = await Promise.all(pair.map((s) => s.findDocumentsById([...ids], true)));
    expect(a).toEqual(b);
  } finally {
    await ours.remove();
    await reference.remove();
  }
}

describe('differential: node:sqlite storage vs RxDB memory storage', () => {
  it('gives identical results for generated operation sequences (tricky values)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operations(trickyIds, trickyNames), { minLength: 1, maxLength: 40 }),
        (ops) => runBoth(trickyIds, ops),
      ),
      { numRuns: process.env.CI ? 120 : 200 },
    );
  }, 180_000);

  it('gives identical results when every value is regular (sorts walk the index)', async () => {
    const before = { ...queryRunnerStats };
    await fc.assert(
      fc.asyncProperty(
        fc.array(operations(regularIds, regularNames), { minLength: 1, maxLength: 40 }),
        (ops) => runBoth(regularIds, ops),
      ),
      { numRuns: process.env.CI ? 120 : 200 },
    );
    // The property is only worth something if descending/mixed sorts really took the walk.
    expect(queryRunnerStats.walks - before.walks).toBeGreaterThan(50);
  }, 180_000);

  it('orders by id a sort that leads with the id when the walked index ends before it', async () => {
    // CI seed 645272556: [_deleted, flag, id] walks as SQL (deleted, flag), whose ties came in
    // row order, not by id (each run of a sort by id is one document, so none was sorted).
    const fields = { name: '', age: 0, score: -20, flag: true, tag: undefined };
    const before = { ...queryRunnerStats };
    for (const order of [
      ['a', 'i'],
      ['i', 'a'],
    ] as const) {
      for (const direction of ['desc', 'asc'] as const) {
        await runBoth(regularIds, [
          {
            kind: 'write',
            items: order.map((id) => ({ id, action: 'insert' as const, fields })),
          },
          {
            kind: 'query',
            selector: { flag: { $eq: true }, _deleted: { $eq: false } },
            sort: [{ id: direction }],
            skip: undefined,
            limit: undefined,
            index: undefined,
          },
        ] as Operation[]);
      }
    }
    expect(queryRunnerStats.walks - before.walks).toBeGreaterThan(0);
  });

  it('leaves out what RxDB’s range leaves out when an exclusive bound ties once cut to multipleOf', async () => {
    // Seed 384694319 (10x runs): score 1.005 and the bound 1.004 are both 1.00 in the index, so
    // RxDB's range for `$gt 1.004` on [_deleted, flag, score, name, id] starts after the
    // document; the SQL range there is wider (inexact) and the selector alone let it in. (RxDB's
    // own planner picks exact ranges for these selectors: a forced index reaches it.)
    const doc = (id: string, score: number) => ({
      id,
      action: 'insert' as const,
      fields: { name: '', age: 0, score, flag: false, tag: 'x' },
    });
    const forced = ['_deleted', 'flag', 'score', 'name', 'id'];
    const queries: Array<[MangoQuerySelector<Data>, string[]]> = [
      [{ score: { $gt: 1.004 } }, forced],
      [{ score: { $lt: 1.005 } }, forced],
      [{ score: { $gt: 1.004, $lt: 2.125 } }, forced],
    ];
    for (const [selector, index] of queries) {
      await runBoth(regularIds, [
        { kind: 'write', items: [doc('a', 1.005), doc('b', 1.004), doc('c', 2.12)] },
        { kind: 'query', selector, sort: [], skip: undefined, limit: undefined, index },
        { kind: 'count', selector },
      ] as Operation[]);
    }
  });
});
