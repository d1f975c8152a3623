/**
 * Files written before issue 16 (format 1: stored index-key columns, 4 KiB pages) are converted
 * on open, table by table, and then rebuilt with 16 KiB pages: the same documents afterwards,
 * never a silent reset, and a SIGKILL at any point leaves a file that opens and finishes.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  fillWithDefaultSettings,
  INTERNAL_CONTEXT_COLLECTION,
  INTERNAL_STORE_SCHEMA,
  type InternalStoreDocType,
  type RxDocumentData,
  type RxJsonSchema,
} from 'rxdb';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../../electron/db';
import { getRxStorageNodeSqlite } from '../../../../electron/storage';
import {
  createInstance,
  docState,
  makeTempDir,
  preparedQuery,
  testSchema,
  type TestDoc,
} from '../../../helpers/storage';
import { copyFormat1Fixture, writeFormat1Table } from '../../../helpers/storage-format1';

type Doc = RxDocumentData<Record<string, unknown>>;
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function tempDir(): string {
  const temp = makeTempDir('gate-ops-format-');
  cleanups.push(temp.cleanup);
  return temp.dir;
}

/** Read-write on purpose: after a kill mid-VACUUM, opening rolls its hot journal back. */
function inspect(file: string) {
  const db = new DatabaseSync(file);
  try {
    return {
      pageSize: Number(db.prepare('PRAGMA page_size').get()?.page_size),
      integrity: db.prepare('PRAGMA integrity_check').get()?.integrity_check,
      tables: db
        .prepare('SELECT name, format, converting_from FROM rx_storage_tables ORDER BY name')
        .all(),
      leftovers: db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%--format1'")
        .all(),
    };
  } finally {
    db.close();
  }
}

const byId = (a: Doc, b: Doc) => ((a.id as string) < (b.id as string) ? -1 : 1);

describe('file format 1 → 2', () => {
  it('converts a file the previous storage wrote: same documents, format 2, 16 KiB pages', async () => {
    const dir = tempDir();
    const expected = copyFormat1Fixture(dir);
    const file = path.join(dir, 'gate-ops.sqlite');
    expect(pageSizeOf(file)).toBe(4096);

    // Every table opened with the schema the file records for it (the app's own check-in
    // migration, v0 → v1, is tested in checkins-migration.test.ts; here: the storage layer).
    const storage = getRxStorageNodeSqlite({ directory: dir });
    const open = (collection: string, schema: RxJsonSchema<Doc>) =>
      createInstance(storage as never, 'gate-ops', collection, schema as never);
    const internal = await open('_rxdb_internal', INTERNAL_STORE_SCHEMA as never);
    const recorded = (
      (await internal.query(preparedQuery({ selector: {} }, INTERNAL_STORE_SCHEMA as never)))
        .documents as unknown as RxDocumentData<
        InternalStoreDocType<{ name: string; schema: RxJsonSchema<Doc> }>
      >[]
    ).filter((d) => d.context === INTERNAL_CONTEXT_COLLECTION && !d._deleted);
    const instances: Record<string, Awaited<ReturnType<typeof open>>> = {
      '_rxdb_internal--v0': internal,
    };
    for (const { data } of recorded) {
      instances[`${data.name}--v${data.schema.version}`] = await open(data.name, data.schema);
    }
    instances['items--v0'] ??= await open('items', testSchema as never);
    expect(Object.keys(expected).sort()).toEqual(Object.keys(instances).sort());
    for (const [table, docs] of Object.entries(expected)) {
      const found = (await instances[table]!.findDocumentsById(
        docs.map((d) => d.id as string),
        true,
      )) as unknown as Doc[];
      expect([...found].sort(byId), table).toEqual([...docs].sort(byId));
    }
    const stored = expected['checkins--v0']!;
    expect(stored.length).toBeGreaterThan(0);

    // Queries run on the new layout: newest first, and an index range.
    const checkinsSchema = recorded.find((d) => d.data.name === 'checkins')!.data.schema;
    const newest = await instances['checkins--v0']!.query(
      preparedQuery(
        { selector: {}, sort: [{ checkedInAt: 'desc' } as never] },
        checkinsSchema as never,
      ),
    );
    const want = stored
      .filter((d) => !d._deleted)
      .sort((a, b) => (b.checkedInAt as number) - (a.checkedInAt as number) || byId(a, b))
      .map((d) => d.id);
    expect(newest.documents.filter((d) => !d._deleted).map((d) => d.id)).toEqual(want);
    const items = instances['items--v0']!;
    const tabbed = await items.query(preparedQuery({ selector: { name: 'a\tb' } }));
    expect(tabbed.documents.map((d) => d.id)).toEqual(
      expected['items--v0']!.filter((d) => d.name === 'a\tb' && !d._deleted).map((d) => d.id),
    );
    for (const instance of Object.values(instances)) await instance.close();

    // The app opens the converted file and moves its check-ins to document v1.
    const store = await openStore(dir);
    expect(await store.db.checkins.count().exec()).toBe(want.length);
    await store.close();
    const v0Tables = new DatabaseSync(file, { readOnly: true });
    const left = v0Tables
      .prepare(
        "SELECT name FROM sqlite_master WHERE name LIKE 'checkins--v0%' OR name LIKE 'tickets--v%'",
      )
      .all();
    v0Tables.close();
    expect(left).toEqual([]);
    const after = inspect(file);
    expect(after.integrity).toBe('ok');
    expect(after.pageSize).toBe(16_384);
    expect(after.leftovers).toEqual([]);
    for (const table of after.tables) {
      expect(table).toMatchObject({ format: 3, converting_from: null });
    }
  });

  it('serves an older schema version as it is while RxDB migrates it away', async () => {
    const dir = tempDir();
    const expected = copyFormat1Fixture(dir);
    const storage = getRxStorageNodeSqlite({ directory: dir });
    const v1 = fillWithDefaultSettings<TestDoc>({ ...testSchema, version: 1 } as never);
    const newer = await createInstance(storage, 'gate-ops', 'items', v1);
    const older = await createInstance(storage, 'gate-ops', 'items', testSchema);
    // A storage query returns tombstones too (RxDB filters them itself).
    const all = await older.query(preparedQuery({ selector: {} }));
    expect([...all.documents].sort(byId as never)).toEqual([...expected['items--v0']!].sort(byId));
    const tables = inspect(path.join(dir, 'gate-ops.sqlite')).tables;
    expect(tables.find((t) => t.name === 'items--v0')).toMatchObject({ format: 1 });
    expect(tables.find((t) => t.name === 'items--v1')).toMatchObject({ format: 3 });
    await older.remove();
    await newer.close();
  });

  it('survives SIGKILL while converting and while rebuilding pages', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.sqlite');
    const names = ['Ana', 'a\tb', 'Zoë', '😀', 'a  ', 'Ben Okafor', ''];
    const docs: Doc[] = Array.from(
      { length: 12_000 },
      (_, i) =>
        docState(
          {
            id: `item-${String(i).padStart(5, '0')}`,
            name: names[i % names.length]!,
            age: i % 151,
            flag: i % 2 === 0,
          },
          undefined,
          i % 97 === 0,
        ) as unknown as Doc,
    );
    writeFormat1Table(file, 'items', testSchema as never, docs);

    // 1. Killed once the first chunk of the conversion is committed.
    await runAndKill(dir, () => convertedUpTo(file) > 0);
    const midway = inspect(file);
    expect(midway.integrity).toBe('ok');
    // 2. Killed once VACUUM's rollback journal appears (the page-size rebuild), if it gets there.
    await runAndKill(dir, () => existsSync(`${file}-journal`));
    expect(inspect(file).integrity).toBe('ok');

    // 3. The next open finishes whatever was left.
    const instance = await createInstance(
      getRxStorageNodeSqlite({ directory: dir }),
      'big',
      'items',
      testSchema,
    );
    const found = (await instance.findDocumentsById(
      docs.map((d) => d.id as string),
      true,
    )) as unknown as Doc[];
    expect(found.length).toBe(docs.length);
    expect(found).toEqual(docs);
    await instance.close();
    const after = inspect(file);
    expect(after.integrity).toBe('ok');
    expect(after.pageSize).toBe(16_384);
    expect(after.tables).toEqual([
      expect.objectContaining({ name: 'items--v0', format: 3, converting_from: null }),
    ]);
    expect(after.leftovers).toEqual([]);
  }, 120_000);
});

function pageSizeOf(file: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return Number(db.prepare('PRAGMA page_size').get()?.page_size);
  } finally {
    db.close();
  }
}

function convertedUpTo(file: string): number {
  try {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const row = db
        .prepare("SELECT converted_up_to AS n FROM rx_storage_tables WHERE name = 'items--v0'")
        .get();
      return Number(row?.n ?? 0);
    } finally {
      db.close();
    }
  } catch {
    return 0; // not converting yet (no such column), or busy: look again
  }
}

/** Runs the conversion child and SIGKILLs it as soon as `ready()` holds (or lets it finish). */
async function runAndKill(dir: string, ready: () => boolean): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, '../../../helpers/storage-convert-child.ts'),
      dir,
      'big',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  while (!done && !ready()) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!done) child.kill('SIGKILL');
  const code = await exited;
  if (code !== null && code !== 0) throw new Error(`conversion child failed: ${stderr}`);
}
