/**
 * Same generated operations on our storage and on RxDB's memory storage: same results.
 */
import fc from 'fast-check';
import type { BulkWriteRow, MangoQuery, MangoQuerySelector } from 'rxdb';
import { getChangedDocumentsSince, randomToken } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, describe, expect, it } from 'vitest';
import { getRxStorageNodeSqlite } from '../../../../electron/storage';
import {
  createInstance,
  type Data,
  docState,
  type Instance,
  makeTempDir,
  plainFields,
  preparedQuery,
  type TestDoc,
} from '../../../helpers/storage';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', '😀'];
const names = ['', 'a', 'B', 'bob', 'é', '😀', '𝄞', '\uff21', '\ue000', 'a b', 'a\tb', ' ', 'a  '];
const ages = [0, 1, 5, 30, 99, 150];
const tags = ['x', 'y', 'z'];

const fields = fc.record({
  name: fc.constantFrom(...names),
  age: fc.constantFrom(...ages),
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

const sortField = fc.constantFrom('name', 'age', 'flag', 'tag', 'id');
const sort = fc
  .uniqueArray(fc.tuple(sortField, fc.constantFrom('asc', 'desc')), {
    maxLength: 3,
    selector: (t) => t[0],
  })
  .map((parts) => parts.map(([f, dir]) => ({ [f]: dir })));

const operation = fc.oneof(
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

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;
type WriteItem = typeof writeItem extends fc.Arbitrary<infer T> ? T : never;

async function runBoth(ops: readonly Operation[]): Promise<void> {
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
        const q = preparedQuery({
          selector: op.selector,
          sort: op.sort,
          skip: op.skip,
          limit: op.limit,
        } as MangoQuery<TestDoc>);
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
        const [a, b] = await Promise.all(pair.map((s) => s.findDocumentsById(ids, true)));
        expect(a).toEqual(b);
      }
    }
    const [a, b] = await Promise.all(pair.map((s) => s.findDocumentsById(ids, true)));
    expect(a).toEqual(b);
  } finally {
    await ours.remove();
    await reference.remove();
  }
}

describe('differential: node:sqlite storage vs RxDB memory storage', () => {
  it('gives identical results for generated operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), runBoth),
      { numRuns: process.env.CI ? 150 : 300 },
    );
  }, 120_000);
});
