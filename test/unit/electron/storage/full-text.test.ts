import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { fillWithDefaultSettings, randomToken, type RxJsonSchema, type RxStorage } from 'rxdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRxStorageNodeSqlite, type FullTextOptions } from '../../../../electron/storage';
import type { NodeSqliteStorageInstance } from '../../../../electron/storage/sqlite-storage-instance';
import { makeTempDir } from '../../../helpers/storage';
import { createRevision, now, type RxDocumentData } from 'rxdb';

type Person = {
  id: string;
  name: string;
  email: string;
  ticket: string;
  gate: string;
  at: number;
};
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

const FULL_TEXT: FullTextOptions = { fields: ['name', 'email', 'ticket'], newestBy: 'at' };
const T0 = Date.UTC(2026, 4, 5, 18, 0, 0);

let temp: ReturnType<typeof makeTempDir>;
let storage: RxStorage<unknown, unknown>;
const open: Search[] = [];

beforeEach(() => {
  temp = makeTempDir();
  storage = getRxStorageNodeSqlite({ directory: temp.dir }) as never;
});
afterEach(async () => {
  for (const instance of open.splice(0)) await instance.close();
  temp.cleanup();
});

async function instance(fullText: FullTextOptions | null = FULL_TEXT): Promise<Search> {
  const created = (await storage.createStorageInstance<Person>({
    databaseInstanceToken: randomToken(10),
    databaseName: 'people',
    collectionName: 'people',
    schema,
    options: fullText ? { fullText } : {},
    multiInstance: false,
    devMode: true,
  })) as unknown as Search;
  open.push(created);
  return created;
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

async function write(target: Search, people: Person[]): Promise<Data[]> {
  const docs = people.map((p) => state(p));
  const result = await target.bulkWrite(
    docs.map((document) => ({ document })),
    'test',
  );
  expect(result.error).toEqual([]);
  return docs;
}

const PEOPLE: Person[] = [
  {
    id: 'p1',
    name: 'Björn Schmidt',
    email: 'bjorn.schmidt@example.com',
    ticket: 'TK-0001-AB7Q',
    gate: 'North',
    at: T0 + 1_000,
  },
  {
    id: 'p2',
    name: 'Anna SCHMIDT-Lang',
    email: 'anna@lang.de',
    ticket: 'TK-0002-XY12',
    gate: 'South',
    at: T0 + 2_000,
  },
  {
    id: 'p3',
    name: 'Renée Ünal',
    email: 'renee.unal@mail.example',
    ticket: 'TK-0003-AB7Q',
    gate: 'North',
    at: T0 + 3_000,
  },
  {
    id: 'p4',
    name: 'Li Wei',
    email: 'li.wei@example.com',
    ticket: 'TK-0004-LIWE',
    gate: 'East',
    at: T0 + 4_000,
  },
  {
    id: 'p5',
    name: 'Zoë "Z" O\'Brien',
    email: 'zoe@obrien.ie',
    ticket: 'TK-0005-QQQQ',
    gate: 'South',
    at: T0 + 5_000,
  },
];

const ids = (result: { documents: { id: string }[] } | undefined) =>
  result?.documents.map((d) => d.id);

describe('full-text search', () => {
  let people: Search;
  beforeEach(async () => {
    people = await instance();
    await write(people, PEOPLE);
  });
  const search = (text: string, extra: object = {}) =>
    people.fullTextSearch({ text, limit: 50, ...extra });

  it('finds a surname inside a name, in any case, newest first', () => {
    expect(ids(search('schmidt'))).toEqual(['p2', 'p1']);
    expect(ids(search('SCHMIDT'))).toEqual(['p2', 'p1']);
    expect(ids(search('chmid'))).toEqual(['p2', 'p1']);
    expect(search('schmidt')).toMatchObject({ total: 2, capped: false, mode: 'index' });
  });

  it('ignores accents both ways', () => {
    expect(ids(search('Bjorn'))).toEqual(['p1']);
    expect(ids(search('björn'))).toEqual(['p1']);
    expect(ids(search('Renee Unal'))).toEqual(['p3']);
    expect(ids(search('ünal'))).toEqual(['p3']);
    expect(ids(search('zoe'))).toEqual(['p5']);
  });

  it('finds e-mail prefixes and fragments, ticket-id suffixes, and quotes safely', () => {
    expect(ids(search('anna@'))).toEqual(['p2']);
    expect(ids(search('@example.com'))).toEqual(['p4', 'p1']);
    expect(ids(search('AB7Q'))).toEqual(['p3', 'p1']);
    expect(ids(search('tk-0004'))).toEqual(['p4']);
    expect(ids(search('"Z"'))).toEqual(['p5']);
    expect(ids(search("o'brien"))).toEqual(['p5']);
    expect(ids(search('nobody-here'))).toEqual([]);
  });

  it('needs every term, each in any field', () => {
    expect(ids(search('schmidt lang'))).toEqual(['p2']);
    expect(ids(search('schmidt ab7q'))).toEqual(['p1']);
    expect(ids(search('schmidt unal'))).toEqual([]);
  });

  it('checks short terms on the text (trigrams need three characters)', () => {
    expect(search('li')).toMatchObject({ mode: 'scan' });
    expect(ids(search('li'))).toEqual(['p4']); // Li Wei, li.wei@
    expect(ids(search('la'))).toEqual(['p2']); // SCHMIDT-Lang, anna@lang.de
    expect(ids(search('wei li'))).toEqual(['p4']);
    expect(ids(search('zo'))).toEqual(['p5']);
  });

  it('filters by equality and by a number range, and pages with limit and offset', () => {
    expect(ids(search('schmidt', { where: { gate: 'North' } }))).toEqual(['p1']);
    expect(ids(search('example', { where: { at: { gte: T0 + 2_000, lte: T0 + 4_000 } } }))).toEqual(
      ['p4', 'p3'],
    );
    expect(ids(search('TK-', { limit: 2 }))).toEqual(['p5', 'p4']);
    expect(ids(search('TK-', { limit: 2, offset: 2 }))).toEqual(['p3', 'p2']);
    expect(search('TK-', { limit: 2 })).toMatchObject({ total: 5, capped: false });
    expect(search('TK-', { limit: 1, countUpTo: 3 })).toMatchObject({ total: 3, capped: true });
    expect(ids(search('TK-', { limit: 0 }))).toEqual([]);
  });

  it('follows updates and deletes in the same write', async () => {
    const [stored] = await people.findDocumentsById(['p1'], false);
    const renamed = state({ ...PEOPLE[0]!, name: 'Björn Meyer', email: 'bm@example.com' }, stored);
    expect(
      (await people.bulkWrite([{ previous: stored, document: renamed }], 'test')).error,
    ).toEqual([]);
    expect(ids(search('schmidt'))).toEqual(['p2']);
    expect(ids(search('meyer'))).toEqual(['p1']);
    const gone = state(
      { ...PEOPLE[0]!, name: 'Björn Meyer', email: 'bm@example.com' },
      renamed,
      true,
    );
    expect((await people.bulkWrite([{ previous: renamed, document: gone }], 'test')).error).toEqual(
      [],
    );
    expect(ids(search('meyer'))).toEqual([]);
    // The total is counted on the FTS table alone: a tombstone must have left it.
    expect(search('meyer')).toMatchObject({ total: 0 });
    expect(search('björn')).toMatchObject({ total: 0 });
  });

  it('returns whole documents, as the other reads do', () => {
    const [doc] = search('ünal')!.documents;
    expect(doc).toMatchObject({ ...PEOPLE[2], _deleted: false, _attachments: {} });
  });
});

describe('a store written before its full-text index', () => {
  const many = (n: number): Person[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `m${i}`,
      name: i % 10 === 0 ? `Müller ${i}` : `Guest ${i}`,
      email: `guest${i}@example.com`,
      ticket: `TK-${String(i).padStart(6, '0')}`,
      gate: i % 2 ? 'North' : 'South',
      at: T0 + i,
    }));

  it('is indexed at open, in the background; new writes are searchable at once', async () => {
    const plain = await instance(null);
    await write(plain, many(5_000));
    await plain.close();
    open.length = 0;
    const indexed = await instance();
    await write(indexed, [{ ...PEOPLE[0]!, id: 'new' }]);
    expect(ids(indexed.fullTextSearch({ text: 'schmidt', limit: 5 }))).toEqual(['new']);
    await indexed.fullTextReady();
    const found = indexed.fullTextSearch({ text: 'müller', limit: 1000 })!;
    expect(found).toMatchObject({ total: 500, index: 'complete' });
    expect(indexed.fullTextSearch({ text: 'TK-004321', limit: 5 })!.documents[0]?.id).toBe('m4321');
  });

  it('resumes an interrupted fill where it stopped, without indexing a row twice', async () => {
    const plain = await instance(null);
    await write(plain, many(12_000));
    await plain.close();
    open.length = 0;
    // Closing the file stops the fill between two chunks, as a kill would (each chunk commits
    // with its position).
    const first = await instance();
    expect(first.fullTextSearch({ text: 'guest', limit: 1 })!.index).toBe('filling');
    const file = path.join(temp.dir, 'people.sqlite');
    // Stop once at least one chunk is in (each event-loop turn runs one chunk at most).
    while (progress(file)!.after === Number.MIN_SAFE_INTEGER) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await first.close();
    open.length = 0;
    const partial = progress(file);
    expect(partial).not.toBeNull();
    expect(partial!.after).toBeLessThan(partial!.end);
    const second = await instance();
    await second.fullTextReady();
    expect(second.fullTextSearch({ text: 'müller', limit: 1, countUpTo: 5_000 })).toMatchObject({
      total: 1_200,
      capped: false,
      index: 'complete',
    });
    await second.close();
    open.length = 0;
    const db = new DatabaseSync(file);
    try {
      expect(progress(file)).toBeNull();
      // A contentless FTS table accepts one rowid twice: every row must be in it once.
      const rows = db.prepare('SELECT count(*) AS n FROM "people--v0__fts"').get()!.n;
      expect(Number(rows)).toBe(12_000);
      expect(
        db
          .prepare(
            'SELECT count(*) AS n FROM "people--v0__fts" WHERE "people--v0__fts" MATCH \'"müller"\'',
          )
          .get()!.n,
      ).toBe(1_200);
    } finally {
      db.close();
    }
  });

  it('rebuilds a missing index table', async () => {
    const first = await instance();
    await write(first, PEOPLE);
    await first.close();
    open.length = 0;
    const db = new DatabaseSync(path.join(temp.dir, 'people.sqlite'));
    db.exec('DROP TABLE "people--v0__fts"');
    db.close();
    const second = await instance();
    await second.fullTextReady();
    expect(ids(second.fullTextSearch({ text: 'schmidt', limit: 5 }))).toEqual(['p2', 'p1']);
  });
});

describe('an index kept by SQL triggers (the first version)', () => {
  it('is rebuilt without them', async () => {
    const first = await instance();
    await write(first, PEOPLE);
    await first.close();
    open.length = 0;
    const db = new DatabaseSync(path.join(temp.dir, 'people.sqlite'));
    db.prepare('UPDATE rx_storage_tables SET full_text = ? WHERE name = ?').run(
      JSON.stringify({ fields: FULL_TEXT.fields }),
      'people--v0',
    );
    db.exec(
      'CREATE TRIGGER "people--v0__fts_ai" AFTER INSERT ON "people--v0"' +
        ' BEGIN INSERT INTO "people--v0__fts" (rowid, c0, c1, c2) VALUES (new.rid, 1, 2, 3); END',
    );
    db.close();
    const second = await instance();
    await second.fullTextReady();
    await write(second, [{ ...PEOPLE[0]!, id: 'p9', at: T0 + 9_000 }]);
    expect(ids(second.fullTextSearch({ text: 'schmidt', limit: 5 }))).toEqual(['p9', 'p2', 'p1']);
    const check = new DatabaseSync(path.join(temp.dir, 'people.sqlite'), { readOnly: true });
    try {
      expect(
        check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger'").get()!.n,
      ).toBe(0);
    } finally {
      check.close();
    }
  });
});

describe('an index of the previous version (FTS rowid = rid)', () => {
  it('is rebuilt under -rid at open, newest first still', async () => {
    const first = await instance();
    await write(first, PEOPLE);
    await first.close();
    open.length = 0;
    const file = path.join(temp.dir, 'people.sqlite');
    const db = new DatabaseSync(file);
    db.prepare('UPDATE rx_storage_tables SET full_text = ? WHERE name = ?').run(
      JSON.stringify({ fields: FULL_TEXT.fields, newestBy: FULL_TEXT.newestBy, v: 2 }),
      'people--v0',
    );
    db.exec('DELETE FROM "people--v0__fts"');
    db.exec(
      'INSERT INTO "people--v0__fts" (rowid, c0, c1, c2) SELECT rid,' +
        " json_extract(data, '$.name'), json_extract(data, '$.email'), json_extract(data, '$.ticket')" +
        ' FROM "people--v0"',
    );
    db.close();
    const second = await instance();
    await second.fullTextReady();
    await write(second, [{ ...PEOPLE[0]!, id: 'p9', at: T0 + 9_000 }]);
    expect(ids(second.fullTextSearch({ text: 'schmidt', limit: 5 }))).toEqual(['p9', 'p2', 'p1']);
    expect(second.fullTextSearch({ text: 'schmidt', limit: 1 })).toMatchObject({ total: 3 });
    const check = new DatabaseSync(file, { readOnly: true });
    try {
      const range = check
        .prepare('SELECT max(rowid) AS hi, count(*) AS n FROM "people--v0__fts"')
        .get()!;
      expect(Number(range.hi)).toBeLessThan(0);
      expect(Number(range.n)).toBe(PEOPLE.length + 1);
    } finally {
      check.close();
    }
  });
});

function progress(file: string): { after: number; end: number } | null {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const row = db
      .prepare('SELECT full_text_fill AS f FROM rx_storage_tables WHERE name = ?')
      .get('people--v0');
    return row?.f ? (JSON.parse(row.f as string) as { after: number; end: number }) : null;
  } finally {
    db.close();
  }
}
