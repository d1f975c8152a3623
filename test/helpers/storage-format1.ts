/**
 * File format 1 of our storage (before issue 16), for conversion tests: a frozen copy of its
 * layout (stored `ixK` key columns, one SQL index each, 4 KiB pages), filled through the
 * legacy table code. test/fixtures/storage-format1/ holds a small file written by the storage
 * of that time itself (commit 0c70f29) with the documents it holds.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { gunzipSync } from 'node:zlib';
import type { RxDocumentData, RxJsonSchema } from 'rxdb';
import { LegacyCollectionTable } from '../../electron/storage/legacy-collection-table';

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'storage-format1');

/** Copies the fixture database into `dir` (as gate-ops.sqlite); returns its documents by table. */
export function copyFormat1Fixture(
  dir: string,
): Record<string, RxDocumentData<Record<string, unknown>>[]> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'gate-ops.sqlite'),
    gunzipSync(readFileSync(path.join(FIXTURE, 'gate-ops.sqlite.gz'))),
  );
  return JSON.parse(
    gunzipSync(readFileSync(path.join(FIXTURE, 'expected-documents.json.gz'))).toString('utf8'),
  );
}

/** Writes a format-1 table `<collection>--v<version>` with `docs` into the file. */
export function writeFormat1Table(
  file: string,
  collection: string,
  schema: RxJsonSchema<RxDocumentData<Record<string, unknown>>>,
  docs: readonly RxDocumentData<Record<string, unknown>>[],
): void {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA page_size = 4096; PRAGMA journal_mode = WAL');
  const name = `${collection}--v${schema.version}`;
  const t = `"${name}"`;
  const indexes = (schema.indexes ?? []).map((i) => (typeof i === 'string' ? [i] : [...i]));
  db.exec(
    'CREATE TABLE IF NOT EXISTS rx_storage_tables (name TEXT PRIMARY KEY, collection TEXT NOT NULL,' +
      ' version INTEGER NOT NULL, indexes TEXT NOT NULL)',
  );
  db.exec('BEGIN');
  db.exec(
    `CREATE TABLE ${t} (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL,` +
      ` lwt REAL NOT NULL, data TEXT NOT NULL${indexes.map((_, i) => `, ix${i} BLOB NOT NULL`).join('')})`,
  );
  indexes.forEach((_, i) => db.exec(`CREATE INDEX "${name}__ix${i}" ON ${t} (ix${i})`));
  db.exec(`CREATE INDEX "${name}__cleanup" ON ${t} (lwt) WHERE deleted = 1`);
  db.prepare('INSERT INTO rx_storage_tables VALUES (?, ?, ?, ?)').run(
    name,
    collection,
    schema.version,
    JSON.stringify(indexes),
  );
  const table = new LegacyCollectionTable(db, name, schema, 'id');
  for (const doc of docs) table.insert(doc);
  db.exec('COMMIT');
  db.close();
}
