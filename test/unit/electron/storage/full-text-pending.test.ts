/**
 * A large write leaves its full-text rows to a background pass (electron/storage/
 * full-text-pending.ts). While rows wait, searches must give what the complete index gives (the
 * waiting rows are checked one by one), or say how many they did not look at; afterwards every
 * live row is in the index exactly once.
 */
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import {
  createRevision,
  fillWithDefaultSettings,
  now,
  randomToken,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
} from 'rxdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRxStorageNodeSqlite, type FullTextOptions } from '../../../../electron/storage';
import type { NodeSqliteStorageInstance } from '../../../../electron/storage/sqlite-storage-instance';
import { makeTempDir } from '../../../helpers/storage';

type Person = { id: string; name: string; email: string; ticket: string; gate: string; at: number };
type Data = RxDocumentData<Person>;
type Search = NodeSqliteStorageInstance<Person>;

const schema: RxJsonSchema<Data> = fillWithDefaultSettings<Person>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    name: { type: 'string', maxLength: 200 },
    email: { type: 'string', maxLength: 200 },
    ticket: { type: 'string', maxLength: 64 },
    gate: { type: 'string', maxLength: 32 },
    at: { type: 'integer', minimum: 0, maximum: 4_102_444_800_000, multipleOf: 1 },
  },
  required: ['id', 'name', 'email', 'ticket', 'gate', 'at'],
  indexes: ['at', ['gate', 'at']],
});

const FIELDS = { fields: ['name', 'email', 'ticket'], newestBy: 'at' } as const;
/** Every write of 10+ documents defers; the pass waits "forever" (held) or not at all. */
const HELD: FullTextOptions = { ...FIELDS, deferFrom: 10, deferQuietMs: 3_600_000 };
const EAGER: FullTextOptions = { ...FIELDS, deferFrom: 10, deferQuietMs: 0 };
/** The same declaration, every write indexed at once: the reference answers. */
const INLINE: FullTextOptions = { ...FIELDS, deferFrom: Number.POSITIVE_INFINITY };
const T0 = Date.UTC(2026, 4, 5, 18, 0, 0);

let temp: ReturnType<typeof makeTempDir>;
const open: Search[] = [];
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(async () => {
  for (const instance of open.splice(0)) await instance.close();
  temp.cleanup();
});

async function instance(name: string, fullText: FullTextOptions): Promise<Search> {
  const storage = getRxStorageNodeSqlite({ directory: temp.dir }) as RxStorage<unknown, unknown>;
  const created = (await storage.createStorageInstance<Person>({
    databaseInstanceToken: randomToken(10),
    databaseName: name,
    collectionName: 'people',
    schema,
    options: { fullText },
    multiInstance: false,
    devMode: true,
  })) as unknown as Search;
  open.push(created);
  return created;
}

async function close(target: Search): Promise<void> {
  await target.close();
  open.splice(open.indexOf(target), 1);
}

function state(fields: Person, previous?: Data, deleted = false): Data {
  return {
    ...fields,
    _deleted: deleted,
    _attachments: {},
    _meta: { lwt: now() },
    _rev: createRevision(randomToken(10), previous),
  };
}

async function write(target: Search, people: readonly Person[]): Promise<Data[]> {
  const docs = people.map((p) => state(p));
  const result = await target.bulkWrite(
    docs.map((document) => ({ document })),
    'test',
  );
  expect(result.error).toEqual([]);
  return docs;
}

const SURNAMES = ['Schmidt', 'Müller', 'Ünal', 'Renée', 'Li', 'Øster', "O'Brien", 'Zoë'];
function people(from: number, n: number, seed: number): Person[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const surname = SURNAMES[(i * 7 + seed) % SURNAMES.length]!;
    return {
      id: `p${i}`,
      name: `Guest${i % 13} ${surname}`,
      email: `${surname.toLowerCase()}.${i}@example.com`,
      ticket: `TK-${String(i).padStart(6, '0')}`,
      gate: ['North', 'South', 'East'][i % 3]!,
      // Out of time order, as a relay's stream is: rids follow `at`, not arrival.
      at: T0 + ((i * 7919) % 5_000) * 1_000,
    };
  });
}

const QUERIES: ReadonlyArray<{ text: string; where?: Record<string, unknown> }> = [
  { text: 'schmidt' },
  { text: 'MÜLLER' },
  { text: 'muller' },
  { text: 'unal guest1' },
  { text: 'TK-0000' },
  { text: '00042' },
  { text: 'example.com' },
  { text: 'oster' },
  { text: 'li gu' },
  { text: 'zoe', where: { gate: 'North' } },
  { text: 'brien', where: { at: { gte: T0 + 1_000_000, lte: T0 + 3_000_000 } } },
  { text: 'nobody-has-this' },
];

function answers(target: Search, extra: object = {}) {
  return QUERIES.map((q) => {
    const r = target.fullTextSearch({
      ...q,
      limit: 40,
      offset: 3,
      countUpTo: 150,
      ...extra,
    } as never)!;
    return { ids: r.documents.map((d) => d.id), total: r.total, capped: r.capped, mode: r.mode };
  });
}

function fileOf(name: string): string {
  return path.join(temp.dir, `${name}.sqlite`);
}

function counts(name: string): { pending: number; indexed: number; live: number } {
  const db = new DatabaseSync(fileOf(name));
  try {
    const n = (sql: string) => Number(db.prepare(sql).get()!.n);
    return {
      pending: n('SELECT count(*) AS n FROM "people--v0__fts_pending"'),
      // A contentless FTS table would take one rowid twice: each live row must be in it once.
      indexed: n('SELECT count(*) AS n FROM "people--v0__fts"'),
      live: n('SELECT count(*) AS n FROM "people--v0" WHERE deleted = 0'),
    };
  } finally {
    db.close();
  }
}

describe('full-text rows of a large write, added in the background', () => {
  it('a live write of a few documents is indexed at once; a large one waits in the list', async () => {
    const store = await instance('a', HELD);
    await write(store, people(0, 3, 1));
    await write(store, people(3, 25, 1));
    await close(store);
    expect(counts('a')).toEqual({ pending: 25, indexed: 3, live: 28 });
  });

  it('searches while rows wait answer exactly as the complete index does', async () => {
    const held = await instance('held', HELD);
    const inline = await instance('inline', INLINE);
    for (const [from, n] of [
      [0, 400],
      [400, 3],
      [403, 250],
      [653, 1],
    ] as const) {
      await write(held, people(from, n, 3));
      await write(inline, people(from, n, 3));
    }
    const expected = answers(inline);
    expect(expected.some((a) => a.total > 100)).toBe(true);
    const waiting = answers(held);
    expect(waiting).toEqual(expected);
    for (const q of QUERIES) {
      const r = held.fullTextSearch({ ...q, limit: 10 } as never)!;
      expect(r).toMatchObject({ index: 'complete', notIndexed: 0 });
    }
    await close(held);
    expect(counts('held').pending).toBe(650);

    // Reopened with the pass free to run: the same answers from the index alone.
    const reopened = await instance('held', EAGER);
    await reopened.fullTextReady();
    expect(answers(reopened)).toEqual(expected);
    await close(reopened);
    expect(counts('held')).toEqual({ pending: 0, indexed: 654, live: 654 });
  });

  it('says how many waiting rows a search did not look at, and finds the ones it did', async () => {
    const store = await instance('b', HELD);
    const written = people(0, 500, 5);
    await write(store, written);
    const r = store.fullTextSearch({ text: 'example', limit: 500, pendingScanUpTo: 120 })!;
    expect(r).toMatchObject({ index: 'catching-up', notIndexed: 380, mode: 'index' });
    // The newest 120 waiting rows were checked: all of them match "example".
    const newest = [...written].sort((a, b) => b.at - a.at).slice(0, 120);
    expect(new Set(r.documents.map((d) => d.id))).toEqual(new Set(newest.map((p) => p.id)));
    const all = store.fullTextSearch({ text: 'example', limit: 10, countUpTo: 1_000 })!;
    expect(all).toMatchObject({ index: 'complete', notIndexed: 0, total: 500 });
  });

  it('follows updates and deletes of waiting rows, and cleanup of their tombstones', async () => {
    const store = await instance('c', HELD);
    const docs = await write(store, people(0, 40, 2));
    const renamed = docs[5]!;
    const removed = docs[6]!;
    const purged = docs[7]!;
    const result = await store.bulkWrite(
      [
        {
          previous: renamed,
          document: state({ ...(renamed as unknown as Person), name: 'Quentin Quark' }, renamed),
        },
        { previous: removed, document: state(removed as unknown as Person, removed, true) },
        { previous: purged, document: state(purged as unknown as Person, purged, true) },
      ],
      'test',
    );
    expect(result.error).toEqual([]);
    const find = (target: Search, text: string) =>
      target.fullTextSearch({ text, limit: 50 })!.documents.map((d) => d.id);
    expect(find(store, 'quark')).toEqual(['p5']);
    expect(find(store, 'TK-000005')).toEqual(['p5']);
    expect(find(store, 'TK-000006')).toEqual([]);
    await store.cleanup(0);
    await close(store);
    // The two tombstones are gone from the table; the purged one from the list too.
    expect(counts('c')).toEqual({ pending: 38, indexed: 0, live: 38 });

    const reopened = await instance('c', EAGER);
    await reopened.fullTextReady();
    expect(find(reopened, 'quark')).toEqual(['p5']);
    expect(find(reopened, 'TK-000006')).toEqual([]);
    expect(find(reopened, 'TK-000007')).toEqual([]);
    expect(find(reopened, 'TK-000008')).toEqual(['p8']);
    await close(reopened);
    expect(counts('c')).toEqual({ pending: 0, indexed: 38, live: 38 });
  });

  it('runs on its own once writes pause, and takes new large writes after that', async () => {
    const store = await instance('d', EAGER);
    await write(store, people(0, 2_500, 4));
    await store.fullTextReady();
    await write(store, people(2_500, 300, 4));
    await write(store, people(2_800, 2, 4));
    await store.fullTextReady();
    const found = store.fullTextSearch({ text: 'TK-0028', limit: 5 })!;
    expect(new Set(found.documents.map((d) => d.id))).toEqual(new Set(['p2800', 'p2801']));
    expect(counts('d').pending).toBe(0);
    await close(store);
    expect(counts('d')).toEqual({ pending: 0, indexed: 2_802, live: 2_802 });
  });

  it('a changed declaration re-fills the index without indexing a waiting row twice', async () => {
    const store = await instance('e', HELD);
    await write(store, people(0, 300, 6));
    await close(store);
    const changed = await instance('e', { ...EAGER, fields: ['name', 'email', 'ticket', 'gate'] });
    await write(changed, people(300, 200, 6));
    await changed.fullTextReady();
    expect(changed.fullTextSearch({ text: 'north', limit: 1, countUpTo: 1_000 })!.total).toBe(167);
    await close(changed);
    expect(counts('e')).toEqual({ pending: 0, indexed: 500, live: 500 });
  });
});
