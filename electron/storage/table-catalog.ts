/**
 * `rx_storage_tables`: which collection tables a file holds, in which format, and what their
 * layout was built from. Files written before format 2 have the first four columns only; the
 * others are added on open (format 1 = the old layout with stored index-key columns).
 */
import type { DatabaseSync } from 'node:sqlite';

export const CATALOG = 'rx_storage_tables';

/**
 * 1: stored `ixK` key columns (legacy). 2: generated columns + partial indexes, each SQL index
 * ending with the primary key as RxDB's index does. 3: as 2, without the primary key at the end
 * of an SQL index (ties are sorted by SQL on the stored id column; see collection-table.ts).
 * Format-2 tables are used as they are: only their index definitions differ.
 */
export type TableFormat = 1 | 2 | 3;

/** The format new tables get. */
export const CURRENT_FORMAT: TableFormat = 3;

export type CatalogEntry = Readonly<{
  name: string;
  collection: string;
  version: number;
  /** JSON of the RxDB index list the layout was built from. */
  indexes: string;
  format: TableFormat;
  /** JSON of the full-text field list, or null. */
  fullText: string | null;
  /** During a conversion from format 1: the legacy table and the last rowid copied. */
  convertingFrom: string | null;
  convertedUpTo: number;
  /** While the full-text index is being filled: rows with `after < rid <= end` are to do. */
  fullTextFill: FullTextFill | null;
}>;

export type FullTextFill = Readonly<{ after: number; end: number }>;

const ADDED_COLUMNS: readonly [string, string][] = [
  ['format', 'INTEGER NOT NULL DEFAULT 1'],
  ['full_text', 'TEXT'],
  ['converting_from', 'TEXT'],
  ['converted_up_to', 'INTEGER NOT NULL DEFAULT 0'],
  ['full_text_fill', 'TEXT'],
];

export function ensureCatalog(db: DatabaseSync): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${CATALOG} (name TEXT PRIMARY KEY, collection TEXT NOT NULL,` +
      ' version INTEGER NOT NULL, indexes TEXT NOT NULL)',
  );
  const have = new Set(
    db
      .prepare(`SELECT name FROM pragma_table_info('${CATALOG}')`)
      .all()
      .map((r) => r.name),
  );
  for (const [column, definition] of ADDED_COLUMNS) {
    if (!have.has(column)) db.exec(`ALTER TABLE ${CATALOG} ADD COLUMN ${column} ${definition}`);
  }
}

export function readEntry(db: DatabaseSync, name: string): CatalogEntry | undefined {
  const row = db
    .prepare(
      `SELECT name, collection, version, indexes, format, full_text, converting_from,` +
        ` converted_up_to, full_text_fill FROM ${CATALOG} WHERE name = ?`,
    )
    .get(name);
  if (!row) return undefined;
  return {
    name: row.name as string,
    collection: row.collection as string,
    version: Number(row.version),
    indexes: row.indexes as string,
    format: Number(row.format) === 3 ? 3 : Number(row.format) === 2 ? 2 : 1,
    fullText: (row.full_text as string | null) ?? null,
    convertingFrom: (row.converting_from as string | null) ?? null,
    convertedUpTo: Number(row.converted_up_to ?? 0),
    fullTextFill: row.full_text_fill
      ? (JSON.parse(row.full_text_fill as string) as FullTextFill)
      : null,
  };
}

export function writeEntry(db: DatabaseSync, entry: CatalogEntry): void {
  db.prepare(
    `INSERT OR REPLACE INTO ${CATALOG} (name, collection, version, indexes, format, full_text,` +
      ' converting_from, converted_up_to, full_text_fill) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    entry.name,
    entry.collection,
    entry.version,
    entry.indexes,
    entry.format,
    entry.fullText,
    entry.convertingFrom,
    entry.convertedUpTo,
    entry.fullTextFill ? JSON.stringify(entry.fullTextFill) : null,
  );
}

export function deleteEntry(db: DatabaseSync, name: string): void {
  db.prepare(`DELETE FROM ${CATALOG} WHERE name = ?`).run(name);
}

/** Versions of a collection with a table in this file. */
export function versionsOf(db: DatabaseSync, collection: string): number[] {
  return db
    .prepare(`SELECT version FROM ${CATALOG} WHERE collection = ?`)
    .all(collection)
    .map((r) => Number(r.version));
}

/** Names of tables still in the legacy format. */
export function legacyTables(db: DatabaseSync): string[] {
  return db
    .prepare(`SELECT name FROM ${CATALOG} WHERE format = 1 OR converting_from IS NOT NULL`)
    .all()
    .map((r) => r.name as string);
}
