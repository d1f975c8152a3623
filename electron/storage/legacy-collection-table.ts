/**
 * A collection table in file format 1 (before issue 16): `id TEXT PRIMARY KEY, deleted, lwt,
 * data` (the whole document) and `ix0..ixN` BLOB columns holding each RxDB index key
 * (index-key-encoding.ts), each with its own SQL index. Still read and written when RxDB
 * migrates such a table to a newer schema version; otherwise it is converted to format 2 on
 * open (table-conversion.ts).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import {
  getIndexableStringMonad,
  getStartIndexStringFromLowerBound,
  getStartIndexStringFromUpperBound,
  type RxJsonSchema,
} from 'rxdb';
import { encodeIndexKey } from './index-key-encoding';
import type { StoredRow } from './collection-table';
import type { Doc, OrderedRows, Page, PlanRange, RowSource } from './row-source';
import { quoteIdentifier } from './sql-names';

export class LegacyCollectionTable implements RowSource {
  readonly indexes: readonly (readonly string[])[];
  private readonly indexNumbers: Map<string, number>;
  private readonly keyOfIndex: ((doc: Doc) => string)[];
  private readonly table: string;
  private readonly statements = new Map<string, StatementSync>();

  constructor(
    private readonly db: DatabaseSync,
    readonly tableName: string,
    private readonly schema: RxJsonSchema<Doc>,
    private readonly primaryPath: string,
  ) {
    this.indexes = (schema.indexes ?? []).map((index) =>
      typeof index === 'string' ? [index] : [...index],
    );
    this.indexNumbers = new Map(this.indexes.map((index, i) => [index.join(','), i]));
    this.keyOfIndex = this.indexes.map(
      (index) => getIndexableStringMonad(schema as never, [...index]) as (doc: Doc) => string,
    );
    this.table = quoteIdentifier(tableName);
  }

  indexNumber(index: readonly string[]): number | undefined {
    return this.indexNumbers.get(index.join(','));
  }

  rowsByIds(ids: readonly string[]): Map<string, StoredRow> {
    const found = new Map<string, StoredRow>();
    if (ids.length === 0) return found;
    const rows = this.cached(
      'byIds',
      `SELECT rowid AS rid, data FROM ${this.table} WHERE id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ids));
    for (const row of rows) {
      const doc = JSON.parse(row.data as string) as Doc;
      found.set(doc[this.primaryPath] as string, { rid: Number(row.rid), irr: false, doc });
    }
    return found;
  }

  private keys(doc: Doc): Uint8Array[] {
    return this.keyOfIndex.map((key) => encodeIndexKey(key(doc)));
  }

  insertAll(docs: readonly Doc[]): void {
    for (const doc of docs) this.insert(doc);
  }

  insert(doc: Doc): void {
    const columns = this.indexes.map((_, i) => `, ix${i}`).join('');
    const marks = this.indexes.map(() => ', ?').join('');
    this.cached(
      'insert',
      `INSERT INTO ${this.table} (id, deleted, lwt, data${columns}) VALUES (?, ?, ?, ?${marks})`,
    ).run(
      doc[this.primaryPath] as string,
      doc._deleted ? 1 : 0,
      doc._meta.lwt,
      JSON.stringify(doc),
      ...this.keys(doc),
    );
  }

  update(_previous: StoredRow, doc: Doc): void {
    const sets = this.indexes.map((_, i) => `, ix${i} = ?`).join('');
    this.cached(
      'update',
      `UPDATE ${this.table} SET deleted = ?, lwt = ?, data = ?${sets} WHERE id = ?`,
    ).run(
      doc._deleted ? 1 : 0,
      doc._meta.lwt,
      JSON.stringify(doc),
      ...this.keys(doc),
      doc[this.primaryPath] as string,
    );
  }

  keyOf(index: readonly string[], doc: Doc): Uint8Array {
    const number = this.indexNumber(index);
    if (number === undefined) throw new Error(`index ${index.join(',')} is missing`);
    return encodeIndexKey(this.keyOfIndex[number]!(doc));
  }

  ordered(range: PlanRange, descending: boolean, page?: Page): OrderedRows {
    const { sql, params } = this.rangeSql(range);
    const paged = page !== undefined;
    const statement = this.cached(
      `rows:${sql}:${descending}:${paged}`,
      `SELECT data FROM ${this.table} WHERE ${sql}` +
        ` ORDER BY ix${this.indexNumber(range.index)} ${descending ? 'DESC' : 'ASC'}` +
        (paged ? ' LIMIT ? OFFSET ?' : ''),
    );
    if (paged) params.push(page.limit === Infinity ? -1 : page.limit, page.skip);
    const rows = {
      // Lazy: the statement only holds the table while someone iterates.
      [Symbol.iterator]: () => {
        statement.setReturnArrays(true);
        return parse(statement.iterate(...(params as never[])) as Iterable<[string]>)[
          Symbol.iterator
        ]();
      },
    };
    // Format 1 never told regular from irregular values: descending sorts sort in JavaScript.
    return { rows, paged, regular: false, exact: true };
  }

  count(range: PlanRange): number {
    const { sql, params } = this.rangeSql(range);
    const statement = this.cached(
      `count:${sql}`,
      `SELECT count(*) AS n FROM ${this.table} WHERE ${sql}`,
    );
    return Number(statement.get(...(params as never[]))?.n ?? 0);
  }

  *all(): Iterable<Doc> {
    const statement = this.cached('all', `SELECT data FROM ${this.table}`);
    statement.setReturnArrays(true);
    yield* parse(statement.iterate() as Iterable<[string]>);
  }

  /** Rows after `afterRowid` in rowid order, for the conversion to format 2. */
  rowsAfter(afterRowid: number, limit: number): { rowid: number; doc: Doc }[] {
    return this.cached(
      'after',
      `SELECT rowid AS r, data FROM ${this.table} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    )
      .all(afterRowid, limit)
      .map((row) => ({ rowid: Number(row.r), doc: JSON.parse(row.data as string) as Doc }));
  }

  deleteTombstonesUpTo(lwt: number): void {
    this.cached('cleanup', `DELETE FROM ${this.table} WHERE deleted = 1 AND lwt <= ?`).run(lwt);
  }

  drop(): void {
    this.db.exec(`DROP TABLE IF EXISTS ${this.table}`);
  }

  keyBounds(range: PlanRange): { lower: Uint8Array; upper: Uint8Array } {
    const schema = this.schema as never;
    const index = [...range.index];
    return {
      lower: encodeIndexKey(
        getStartIndexStringFromLowerBound(schema, index, range.startKeys as never),
      ),
      upper: encodeIndexKey(
        getStartIndexStringFromUpperBound(schema, index, range.endKeys as never),
      ),
    };
  }

  private rangeSql(range: PlanRange): { sql: string; params: unknown[] } {
    const number = this.indexNumber(range.index);
    if (number === undefined) throw new Error(`index ${range.index.join(',')} is missing`);
    const column = `ix${number}`;
    const { lower, upper } = this.keyBounds(range);
    return {
      sql:
        `${column} ${range.inclusiveStart ? '>=' : '>'} ? AND ` +
        `${column} ${range.inclusiveEnd ? '<=' : '<'} ?`,
      params: [lower, upper],
    };
  }

  private cached(key: string, sql: string): StatementSync {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(key, statement);
    }
    return statement;
  }
}

function* parse(rows: Iterable<[string]>): Iterable<Doc> {
  for (const [data] of rows) yield JSON.parse(data) as Doc;
}
