/**
 * The SQL side of one collection at one schema version: a table
 *   id TEXT PRIMARY KEY, deleted INTEGER, lwt REAL, data TEXT (the document as JSON),
 *   ix0..ixN BLOB (one per RxDB index: the encoded RxDB index string, see index-key-encoding)
 * with one SQL index per ixK column and a partial one on lwt of tombstones for cleanup.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { type RxDocumentData, type RxJsonSchema, getIndexableStringMonad } from 'rxdb';
import { encodeIndexKey } from './index-key-encoding';

type Doc = RxDocumentData<Record<string, unknown>>;

export type RangeQuery = Readonly<{
  column: number;
  lower: Uint8Array;
  upper: Uint8Array;
  inclusiveStart: boolean;
  inclusiveEnd: boolean;
}>;

const META_TABLE = 'rx_storage_tables';

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class CollectionTable {
  readonly indexes: readonly string[][];
  private readonly indexNames: Map<string, number>;
  private readonly indexStringOf: ((doc: Doc) => string)[];
  private readonly table: string;
  private readonly selectByIds: StatementSync;
  private readonly insertRow: StatementSync;
  private readonly updateRow: StatementSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(
    private readonly db: DatabaseSync,
    readonly tableName: string,
    collectionName: string,
    schema: RxJsonSchema<Doc>,
    private readonly primaryPath: string,
  ) {
    this.indexes = (schema.indexes ?? []).map((index) =>
      typeof index === 'string' ? [index] : [...index],
    );
    this.indexNames = new Map(this.indexes.map((index, i) => [index.join(','), i]));
    this.indexStringOf = this.indexes.map((index) => getIndexableStringMonad(schema, index));
    this.table = quoteIdentifier(tableName);
    this.createIfMissing(collectionName, schema.version);

    const ixColumns = this.indexes.map((_, i) => `ix${i}`);
    this.selectByIds = db.prepare(
      `SELECT data FROM ${this.table} WHERE id IN (SELECT value FROM json_each(?))`,
    );
    this.insertRow = db.prepare(
      `INSERT INTO ${this.table} (id, deleted, lwt, data${ixColumns.map((c) => ', ' + c).join('')})` +
        ` VALUES (?, ?, ?, ?${ixColumns.map(() => ', ?').join('')})`,
    );
    this.updateRow = db.prepare(
      `UPDATE ${this.table} SET deleted = ?, lwt = ?, data = ?` +
        ixColumns.map((c) => `, ${c} = ?`).join('') +
        ' WHERE id = ?',
    );
  }

  private createIfMissing(collectionName: string, version: number): void {
    const db = this.db;
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${META_TABLE} (name TEXT PRIMARY KEY, collection TEXT NOT NULL,` +
        ' version INTEGER NOT NULL, indexes TEXT NOT NULL)',
    );
    const indexesJson = JSON.stringify(this.indexes);
    const known = db
      .prepare(`SELECT indexes FROM ${META_TABLE} WHERE name = ?`)
      .get(this.tableName);
    if (known) {
      // The ixK columns are positional; a different index list would silently misread them.
      if (known.indexes !== indexesJson) {
        throw new Error(
          `Table ${this.tableName} was created with indexes ${String(known.indexes)}, ` +
            `but the schema now has ${indexesJson}; change the schema version to change indexes`,
        );
      }
      return;
    }
    const ixDefinitions = this.indexes.map((_, i) => `, ix${i} BLOB NOT NULL`).join('');
    db.exec('SAVEPOINT create_table');
    try {
      db.exec(
        `CREATE TABLE ${this.table} (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL,` +
          ` lwt REAL NOT NULL, data TEXT NOT NULL${ixDefinitions})`,
      );
      this.indexes.forEach((_, i) => {
        db.exec(
          `CREATE INDEX ${quoteIdentifier(`${this.tableName}__ix${i}`)} ON ${this.table} (ix${i})`,
        );
      });
      db.exec(
        // Partial: only tombstones are in it, so ordinary writes never pay for it.
        `CREATE INDEX ${quoteIdentifier(`${this.tableName}__cleanup`)} ON ${this.table} (lwt)` +
          ' WHERE deleted = 1',
      );
      db.prepare(
        `INSERT INTO ${META_TABLE} (name, collection, version, indexes) VALUES (?, ?, ?, ?)`,
      ).run(this.tableName, collectionName, version, indexesJson);
      db.exec('RELEASE create_table');
    } catch (error) {
      db.exec('ROLLBACK TO create_table');
      db.exec('RELEASE create_table');
      throw error;
    }
  }

  /** Column number for an RxDB index (as the query planner names it), if it is stored. */
  columnOf(index: readonly string[]): number | undefined {
    return this.indexNames.get(index.join(','));
  }

  getByIds(ids: readonly string[]): Doc[] {
    if (ids.length === 0) return [];
    return this.selectByIds
      .all(JSON.stringify(ids))
      .map((row) => JSON.parse(row.data as string) as Doc);
  }

  insert(doc: Doc): void {
    this.insertRow.run(
      doc[this.primaryPath] as string,
      doc._deleted ? 1 : 0,
      doc._meta.lwt,
      JSON.stringify(doc),
      ...this.indexKeys(doc),
    );
  }

  update(doc: Doc): void {
    this.updateRow.run(
      doc._deleted ? 1 : 0,
      doc._meta.lwt,
      JSON.stringify(doc),
      ...this.indexKeys(doc),
      doc[this.primaryPath] as string,
    );
  }

  private indexKeys(doc: Doc): Uint8Array[] {
    return this.indexStringOf.map((indexString) => encodeIndexKey(indexString(doc)));
  }

  /** Documents (as JSON text) in index order within the range, with optional LIMIT/OFFSET. */
  rangeRows(range: RangeQuery, limit?: number, offset = 0): IterableIterator<string> {
    const paged = limit !== undefined;
    const statement = this.cached(`rows:${rangeKey(range)}:${paged}`, () =>
      this.db.prepare(
        `SELECT data FROM ${this.table} WHERE ${rangeSql(range)} ORDER BY ix${range.column}` +
          (paged ? ' LIMIT ? OFFSET ?' : ''),
      ),
    );
    statement.setReturnArrays(true);
    const params = paged ? [range.lower, range.upper, limit, offset] : [range.lower, range.upper];
    const rows = statement.iterate(...params) as unknown as IterableIterator<[string]>;
    return mapIterator(rows, (row) => row[0]);
  }

  countRange(range: RangeQuery): number {
    const statement = this.cached(`count:${rangeKey(range)}`, () =>
      this.db.prepare(`SELECT count(*) AS n FROM ${this.table} WHERE ${rangeSql(range)}`),
    );
    return Number(statement.get(range.lower, range.upper)?.n ?? 0);
  }

  /** Deletes tombstones whose last write is at or before `lwt`. */
  deleteTombstonesUpTo(lwt: number): void {
    this.cached('cleanup', () =>
      this.db.prepare(`DELETE FROM ${this.table} WHERE deleted = 1 AND lwt <= ?`),
    ).run(lwt);
  }

  drop(): void {
    this.db.exec(`DROP TABLE IF EXISTS ${this.table}`);
    this.db.prepare(`DELETE FROM ${META_TABLE} WHERE name = ?`).run(this.tableName);
  }

  private cached(key: string, create: () => StatementSync): StatementSync {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = create();
      this.statements.set(key, statement);
    }
    return statement;
  }
}

function rangeKey(range: RangeQuery): string {
  return `${range.column}:${range.inclusiveStart}:${range.inclusiveEnd}`;
}

function rangeSql(range: RangeQuery): string {
  const column = `ix${range.column}`;
  return (
    `${column} ${range.inclusiveStart ? '>=' : '>'} ? AND ` +
    `${column} ${range.inclusiveEnd ? '<=' : '<'} ?`
  );
}

function* mapIterator<A, B>(source: IterableIterator<A>, map: (a: A) => B): IterableIterator<B> {
  for (const item of source) yield map(item);
}
