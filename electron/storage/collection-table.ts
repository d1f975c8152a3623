/**
 * One collection at one schema version, file format 2 (see index-columns.ts for why):
 *
 *   "<t>"      rid INTEGER PRIMARY KEY, id TEXT UNIQUE, deleted, irr, lwt, rev, extra, data,
 *              plus a VIRTUAL generated column per indexed field (stored nowhere)
 *   indexes    one SQL index per RxDB index: (irr, its columns…) less the trailing primary key
 *              (format 3, see sqlIndexColumns; format-2 files keep it); queries read irr = 0
 *              only (irr leads, so the range stays one index seek and OFFSET/count never touch
 *              the table); one partial index on lwt of tombstones (cleanup)
 *   "<t>__irr" (ix, key, rid) WITHOUT ROWID: the exact RxDB index keys of documents with an
 *              irregular indexed value (irr = 1), whose SQL columns do not order like RxDB
 *
 * `data` is the document without RxDB's _deleted/_attachments/_rev/_meta (columns hold them;
 * `extra` keeps _attachments/_meta when they are not the usual `{}` / `{ lwt }`).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import {
  getIndexableStringMonad,
  getStartIndexStringFromLowerBound,
  getStartIndexStringFromUpperBound,
  INDEX_MAX,
  INDEX_MIN,
  objectPathMonad,
  type RxJsonSchema,
} from 'rxdb';
import { encodeIndexKey } from './index-key-encoding';
import { fieldColumn, type FieldColumn, type SqlValue } from './index-columns';
import {
  NotWalkable,
  type Doc,
  type OrderedRows,
  type Page,
  type PlanRange,
  type RowSource,
  type WalkHint,
} from './row-source';
import { quoteIdentifier } from './sql-names';
import {
  foldText,
  FullTextIndex,
  type FullTextOptions,
  type FullTextQuery,
  type FullTextState,
} from './full-text';

export type StoredRow = Readonly<{ rid: number; irr: boolean; doc: Doc }>;

type IndexLayout = Readonly<{
  fields: readonly string[];
  columns: readonly string[];
  fieldColumns: readonly FieldColumn[];
  key: (doc: Doc) => string;
}>;

/**
 * `data` is written as SQLite's binary JSON (JSONB: about 160 bytes less per realistic
 * check-in than the text, and the index columns read it without parsing). Rows written before
 * hold text; both read back as text JSON. Other readers of the file use `->>`/json_extract,
 * which take either, or `json(data)`.
 */
const dataText = (column: string) => `iif(typeof(${column}) = 'blob', json(${column}), ${column})`;
const ROW_COLUMNS = `rid, deleted, irr, lwt, rev, extra, ${dataText('data')}`;
const ROW_COLUMNS_T = `t.rid, t.deleted, t.irr, t.lwt, t.rev, t.extra, ${dataText('t.data')}`;
/** Time-ordered row ids: value × 1024 + a counter within the same value. */
const SLOTS = 1024;
const MAX_ORDER_VALUE = Math.floor(Number.MAX_SAFE_INTEGER / SLOTS);

export type TableOptions = Readonly<{ fullText?: FullTextOptions }>;

export class CollectionTable implements RowSource {
  readonly indexes: readonly (readonly string[])[];
  readonly fullText: FullTextIndex | undefined;
  private readonly layouts: readonly IndexLayout[];
  private readonly indexNumbers: Map<string, number>;
  private readonly regularChecks: ((doc: Doc) => boolean)[];
  private readonly table: string;
  private readonly irrTable: string;
  private readonly statements = new Map<string, StatementSync>();
  private readonly orderValue: ((doc: Doc) => unknown) | undefined;

  constructor(
    private readonly db: DatabaseSync,
    readonly tableName: string,
    private readonly schema: RxJsonSchema<Doc>,
    private readonly primaryPath: string,
    options: TableOptions = {},
  ) {
    this.indexes = (schema.indexes ?? []).map((index) =>
      typeof index === 'string' ? [index] : [...index],
    );
    this.indexNumbers = new Map(this.indexes.map((index, i) => [index.join(','), i]));
    const byPath = new Map<string, FieldColumn>();
    const columnFor = (path: string): FieldColumn => {
      let column = byPath.get(path);
      if (!column) {
        column = fieldColumn(schema as never, path, primaryPath, `f${byPath.size}`);
        byPath.set(path, column);
      }
      return column;
    };
    this.layouts = this.indexes.map((fields) => {
      const fieldColumns = fields.map(columnFor);
      return {
        fields,
        fieldColumns,
        columns: fieldColumns.flatMap((c) => c.columns),
        key: getIndexableStringMonad(schema as never, [...fields]) as (doc: Doc) => string,
      };
    });
    this.regularChecks = [...byPath.values()].map((c) => c.isRegular);
    this.byPath = byPath;
    this.table = quoteIdentifier(tableName);
    this.irrTable = quoteIdentifier(`${tableName}__irr`);
    this.fullText = options.fullText
      ? new FullTextIndex(db, tableName, options.fullText)
      : undefined;
    const newestBy = options.fullText?.newestBy;
    this.orderValue = newestBy
      ? (doc) => newestBy.split('.').reduce<unknown>((v, k) => (v as Doc | undefined)?.[k], doc)
      : undefined;
    this.generatedColumns = [...byPath.values()].flatMap((c) => c.definitions);
  }

  private readonly generatedColumns: string[];
  private readonly byPath: ReadonlyMap<string, FieldColumn>;

  /** See NodeSqliteInternals.indexColumnOf. */
  indexColumnOf(path: string): string | null {
    const columns = this.byPath.get(path)?.columns;
    return columns?.length === 1 ? columns[0]! : null;
  }

  /** Creates the table, its indexes and side table (inside the caller's transaction). */
  create(): void {
    const generated = this.generatedColumns.map((d) => `, ${d}`).join('');
    this.db.exec(
      // `id` has no declared type on purpose: a TEXT column would turn the -Infinity bound
      // of a range into the text '-Inf' (affinity), and '-0…' sorts below that.
      `CREATE TABLE ${this.table} (rid INTEGER PRIMARY KEY, id NOT NULL UNIQUE,` +
        ' deleted INTEGER NOT NULL, irr INTEGER NOT NULL, lwt REAL NOT NULL, rev TEXT NOT NULL,' +
        ` extra TEXT, data TEXT NOT NULL${generated})`,
    );
    this.layouts.forEach((_, i) => this.db.exec(this.indexSql(i)));
    // Partial: only tombstones are in it, so ordinary writes never pay for it.
    this.db.exec(
      `CREATE INDEX ${quoteIdentifier(`${this.tableName}__tombstones`)} ON ${this.table} (lwt)` +
        ' WHERE deleted = 1',
    );
    this.db.exec(
      `CREATE TABLE ${this.irrTable} (ix INTEGER NOT NULL, key BLOB NOT NULL,` +
        ' rid INTEGER NOT NULL, PRIMARY KEY (ix, key)) WITHOUT ROWID',
    );
    this.fullText?.create();
  }

  private upgrading: Promise<void> | undefined;

  /** Follows a background rebuild of format-2 indexes (index-upgrade.ts). */
  startIndexUpgrade(upgrade: Promise<void>): void {
    // A failure leaves the old indexes, which answer every query the same way: it is reported
    // by indexesReady() (and tried again at the next open), never as an unhandled rejection.
    upgrade.catch(() => undefined);
    this.upgrading = upgrade;
  }

  /** Resolves once no index is left in an older layout (at once if none was). */
  indexesReady(): Promise<void> {
    return this.upgrading ?? Promise.resolve();
  }

  /** The statement that creates SQL index `i` as this format writes it. */
  private indexSql(i: number): string {
    const columns = sqlIndexColumns(this.layouts[i]!.columns).map(quoteIdentifier).join(', ');
    return `CREATE INDEX ${quoteIdentifier(`${this.tableName}__i${i}`)} ON ${this.table} (irr, ${columns})`;
  }

  /** Numbers of the SQL indexes written another way (format 2: ending with the primary key). */
  outdatedIndexes(): number[] {
    const stored = this.cached(
      'indexSql',
      () => "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
    );
    return this.layouts
      .map((_, i) => i)
      .filter((i) => stored.get(`${this.tableName}__i${i}`)?.sql !== this.indexSql(i));
  }

  /** Rebuilds SQL index `i` as this format writes it (inside the caller's transaction). */
  rebuildIndex(i: number): void {
    this.db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(`${this.tableName}__i${i}`)}`);
    this.db.exec(this.indexSql(i));
  }

  /** Index number for an RxDB index (as the query planner names it), if the schema has it. */
  indexNumber(index: readonly string[]): number | undefined {
    return this.indexNumbers.get(index.join(','));
  }

  rowsByIds(ids: readonly string[]): Map<string, StoredRow> {
    const found = new Map<string, StoredRow>();
    if (ids.length === 0) return found;
    const statement = this.cached(
      'byIds',
      () => `SELECT ${ROW_COLUMNS} FROM ${this.table} WHERE id IN (SELECT value FROM json_each(?))`,
    );
    statement.setReturnArrays(true);
    for (const row of statement.iterate(JSON.stringify(ids)) as Iterable<Row>) {
      const doc = docOf(row);
      found.set(doc[this.primaryPath] as string, { rid: row[0], irr: row[2] === 1, doc });
    }
    return found;
  }

  insert(doc: Doc): void {
    this.insertAll([doc]);
  }

  /**
   * Inserts new documents; their full-text rows go in after them, by descending rid (the FTS
   * rowid is -rid: full-text.ts). FTS5 writes its
   * pending terms out as a new segment whenever a rowid comes lower than the one before, and
   * with `newestBy` the rids follow check-in time, which a relay's stream does not (a third of
   * realistic check-ins arrive earlier-timed than the one before): added as they came, the index
   * wrote a segment every few rows and spent most of an insert merging them.
   */
  insertAll(docs: readonly Doc[]): void {
    const fullText = this.fullText;
    if (fullText && fullText.defers(docs.length)) {
      // A backlog: the rows now, their full-text rows later (full-text-pending.ts), from a
      // list written in this same transaction; searches check the waiting rows meanwhile.
      const waiting: number[] = [];
      for (const doc of docs) {
        const rid = this.insertRow(doc);
        if (!doc._deleted) waiting.push(rid);
      }
      if (waiting.length > 0) fullText.defer(waiting);
      return;
    }
    const text: Array<{ rid: number; values: string[] }> = [];
    for (const doc of docs) {
      const rid = this.insertRow(doc);
      if (fullText && !doc._deleted) text.push({ rid, values: fullText.textOf(doc) });
    }
    if (text.length > 1) text.sort((a, b) => b.rid - a.rid);
    for (const { rid, values } of text) fullText!.add(rid, values);
  }

  private insertRow(doc: Doc): number {
    const irr = !this.isRegular(doc);
    const { data, extra } = split(doc);
    const result = this.cached(
      'insert',
      () =>
        `INSERT INTO ${this.table} (rid, id, deleted, irr, lwt, rev, extra, data)` +
        ' VALUES (?, ?, ?, ?, ?, ?, ?, jsonb(?))',
    ).run(
      this.orderValue ? this.nextRid(this.orderValue(doc)) : null,
      doc[this.primaryPath] as string,
      doc._deleted ? 1 : 0,
      irr ? 1 : 0,
      doc._meta.lwt,
      doc._rev,
      extra,
      data,
    );
    const rid = Number(result.lastInsertRowid);
    if (irr) this.writeKeys(rid, doc);
    return rid;
  }

  update(previous: StoredRow, doc: Doc): void {
    const irr = !this.isRegular(doc);
    const { data, extra } = split(doc);
    this.cached(
      'update',
      () =>
        `UPDATE ${this.table} SET deleted = ?, irr = ?, lwt = ?, rev = ?, extra = ?, data = jsonb(?)` +
        ' WHERE rid = ?',
    ).run(doc._deleted ? 1 : 0, irr ? 1 : 0, doc._meta.lwt, doc._rev, extra, data, previous.rid);
    if (previous.irr) this.deleteKeys(previous.doc);
    if (irr) this.writeKeys(previous.rid, doc);
    const fullText = this.fullText;
    // A row still waiting for the background pass is indexed from what it holds then.
    if (fullText && !fullText.isPending(previous.rid)) {
      const before = previous.doc._deleted ? null : fullText.textOf(previous.doc);
      const after = doc._deleted ? null : fullText.textOf(doc);
      if (before && after && before.every((text, i) => text === after[i])) return;
      if (before) fullText.remove(previous.rid);
      if (after) fullText.add(previous.rid, after);
    }
  }

  private isRegular(doc: Doc): boolean {
    for (const check of this.regularChecks) if (!check(doc)) return false;
    return true;
  }

  keyOf(index: readonly string[], doc: Doc): Uint8Array {
    const number = this.indexNumber(index);
    if (number === undefined) throw new Error(`index ${index.join(',')} is missing`);
    return encodeIndexKey(this.layouts[number]!.key(doc));
  }

  private writeKeys(rid: number, doc: Doc): void {
    const insert = this.cached(
      'irrInsert',
      () => `INSERT INTO ${this.irrTable} (ix, key, rid) VALUES (?, ?, ?)`,
    );
    this.layouts.forEach((layout, i) => insert.run(i, encodeIndexKey(layout.key(doc)), rid));
  }

  private deleteKeys(doc: Doc): void {
    const remove = this.cached(
      'irrDelete',
      () => `DELETE FROM ${this.irrTable} WHERE ix = ? AND key = ?`,
    );
    this.layouts.forEach((layout, i) => remove.run(i, encodeIndexKey(layout.key(doc))));
  }

  /** A free time-ordered row id for this order value (see SLOTS). */
  private nextRid(value: unknown): number | null {
    if (typeof value !== 'number' || !Number.isFinite(value)) return null;
    let base = Math.min(Math.max(Math.floor(value), 0), MAX_ORDER_VALUE - 1) * SLOTS;
    const top = this.cached(
      'ridTop',
      () => `SELECT max(rid) AS m FROM ${this.table} WHERE rid >= ? AND rid < ?`,
    );
    for (;;) {
      const m = top.get(base, base + SLOTS)?.m;
      if (m === null || m === undefined) return base;
      if (Number(m) + 1 < base + SLOTS) return Number(m) + 1;
      // More than SLOTS documents with one value: the next value's slots (order is a hint).
      base += SLOTS;
      if (base >= MAX_ORDER_VALUE * SLOTS) return null;
    }
  }

  ordered(
    range: PlanRange,
    descending: boolean,
    page?: Page,
    walk?: WalkHint,
  ): OrderedRows | undefined {
    const number = this.indexNumber(range.index);
    if (number === undefined) throw new Error(`index ${range.index.join(',')} is missing`);
    const where = this.sqlRange(number, range);
    if (!where) return undefined;
    const keyRange = this.hasIrregular(number) ? this.keyBounds(range) : undefined;
    const hasIrregular = keyRange !== undefined && this.irregularInRange(number, keyRange);
    const direction = descending ? 'DESC' : 'ASC';
    const paged = page !== undefined && where.exact && !hasIrregular;
    // The SQL index (format 3) ends before the primary key: ordering ties by id makes SQLite
    // sort each group of equal rows as it walks ("TEMP B-TREE FOR LAST TERM"), about 0.3 ms on
    // a 50-row page. A walk sorts its runs itself and does without it, unless its runs are
    // single documents (a sort that leads with the id).
    const columns = this.layouts[number]!.columns;
    const orderColumns =
      walk && !walk.byPrimaryKey && !hasIrregular ? sqlIndexColumns(columns) : columns;
    const order = orderColumns.map((c) => `${quoteIdentifier(c)} ${direction}`);
    const chunked = !paged && walk !== undefined && Number.isFinite(walk.firstRows);
    // Lazy: a statement is only stepped (and so holds the table) while someone iterates.
    const sqlRows = lazy(() => {
      const statement = this.cached(
        `native:${number}:${where.sql}:${direction}:${paged || chunked}:${orderColumns.length}`,
        () =>
          `SELECT ${ROW_COLUMNS} FROM ${this.table} ${this.indexedBy(number)}` +
          ` WHERE irr = 0${where.sql} ORDER BY ${order.join(', ')}` +
          (paged || chunked ? ' LIMIT ? OFFSET ?' : ''),
      );
      statement.setReturnArrays(true);
      const params = where.params as never[];
      if (chunked) return chunks(statement, params, walk.firstRows);
      if (paged) {
        return mapRows(
          statement.iterate(
            ...params,
            (page.limit === Infinity ? -1 : page.limit) as never,
            page.skip as never,
          ) as Iterable<Row>,
        );
      }
      return mapRows(statement.iterate(...params) as Iterable<Row>);
    });
    const layout = this.layouts[number]!;
    // An inexact range with an exclusive bound: RxDB's range can end before a document the
    // selector takes (`$gt 1.004` starts after 1.005: both are 1.00 cut to multipleOf 0.01), so
    // the rows are held to RxDB's keys, not only to the selector. Inclusive ranges hold every
    // document the selector takes (keys are monotone in the values).
    const native =
      where.exact || (range.inclusiveStart && range.inclusiveEnd)
        ? sqlRows
        : withinKeys(
            sqlRows,
            (doc) => encodeIndexKey(layout.key(doc)),
            keyRange ?? this.keyBounds(range),
            range,
          );
    if (!hasIrregular) return { rows: native, paged, regular: true, exact: where.exact };
    const irregular = this.irregularRows(number, keyRange!, range, direction);
    // A walk trusts an irregular document whose values in this index's fields are regular
    // (its irregular value is in another index): it orders like every other row here.
    const check = walk
      ? (doc: Doc) => {
          for (const field of layout.fieldColumns)
            if (!field.isRegular(doc)) throw new NotWalkable();
        }
      : undefined;
    return {
      rows: mergeByKey(
        native,
        irregular,
        (doc) => encodeIndexKey(layout.key(doc)),
        descending,
        check,
      ),
      paged: false,
      regular: walk !== undefined,
      exact: where.exact,
    };
  }

  count(range: PlanRange): number | undefined {
    const number = this.indexNumber(range.index);
    if (number === undefined) throw new Error(`index ${range.index.join(',')} is missing`);
    const where = this.sqlRange(number, range);
    if (!where || !where.exact) return undefined;
    const statement = this.cached(
      `count:${number}:${where.sql}`,
      () =>
        `SELECT count(*) AS n FROM ${this.table} ${this.indexedBy(number)}` +
        ` WHERE irr = 0${where.sql}`,
    );
    const native = Number(statement.get(...(where.params as never[]))?.n ?? 0);
    if (!this.hasIrregular(number)) return native;
    const keyRange = this.keyBounds(range);
    const irregular = this.cached(
      `irrCount:${range.inclusiveStart}:${range.inclusiveEnd}`,
      () =>
        `SELECT count(*) AS n FROM ${this.irrTable} WHERE ix = ? AND ` + keyRangeSql('key', range),
    );
    return native + Number(irregular.get(number, keyRange.lower, keyRange.upper)?.n ?? 0);
  }

  *all(): Iterable<Doc> {
    const statement = this.cached('all', () => `SELECT ${ROW_COLUMNS} FROM ${this.table}`);
    statement.setReturnArrays(true);
    yield* mapRows(statement.iterate() as Iterable<Row>);
  }

  /** Full-text search (see full-text.ts), or undefined without a full-text index. */
  search(query: FullTextQuery):
    | Readonly<{
        documents: Doc[];
        total: number;
        capped: boolean;
        mode: 'index' | 'scan';
        index: FullTextState;
        notIndexed: number;
      }>
    | undefined {
    const fullText = this.fullText;
    if (!fullText) return undefined;
    const getters = fullText.options.fields.map(
      (path) => objectPathMonad<Doc>(path) as (doc: Doc) => unknown,
    );
    const textOf = (doc: Doc) =>
      foldText(
        getters
          .map((get) => {
            const value = get(doc);
            return value === undefined || value === null ? '' : String(value);
          })
          .join('\n'),
      );
    const parsed = new Map<unknown[], Doc>();
    const checkFor = (terms: readonly string[]) => {
      if (terms.length === 0) return () => true;
      const folded = terms.map(foldText);
      return (row: unknown[]) => {
        const doc = docOf(row as Row);
        parsed.set(row, doc);
        const text = textOf(doc);
        return folded.every((term) => text.includes(term));
      };
    };
    const result = fullText.search(query, ROW_COLUMNS_T, checkFor);
    return {
      documents: result.rows.map((row) => parsed.get(row) ?? docOf(row as Row)),
      total: result.total,
      capped: result.capped,
      mode: result.mode,
      index: result.index,
      notIndexed: result.notIndexed,
    };
  }

  /** Deletes tombstones whose last write is at or before `lwt`. */
  deleteTombstonesUpTo(lwt: number): void {
    this.fullText?.forgetPendingTombstonesUpTo(lwt);
    this.cached(
      'cleanupIrr',
      () =>
        `DELETE FROM ${this.irrTable} WHERE rid IN` +
        ` (SELECT rid FROM ${this.table} WHERE deleted = 1 AND lwt <= ? AND irr = 1)`,
    ).run(lwt);
    this.cached('cleanup', () => `DELETE FROM ${this.table} WHERE deleted = 1 AND lwt <= ?`).run(
      lwt,
    );
  }

  drop(): void {
    this.fullText?.drop();
    this.db.exec(`DROP TABLE IF EXISTS ${this.irrTable}`);
    this.db.exec(`DROP TABLE IF EXISTS ${this.table}`);
  }

  /**
   * The plan's range as SQL terms the index answers by itself: `col = ?` for the fields the
   * range pins, then `>= / >` and `<= / <` on the next column. SQLite re-checks a row-value
   * comparison row by row and recomputes virtual columns for it from the JSON, so tuples are
   * avoided. That is the exact RxDB range when the later fields are unconstrained (RxDB's
   * planner then gives them its MIN/MAX sentinels, which no document passes: see the note in
   * index-columns.ts), which is always so when the index answers the selector. Otherwise it is
   * a superset (exact: false) and the caller matches rows against the selector.
   */
  private sqlRange(
    number: number,
    range: PlanRange,
  ): { sql: string; params: SqlValue[]; exact: boolean } | undefined {
    const fields = this.layouts[number]!.fieldColumns;
    const lower: SqlValue[][] = [];
    const upper: SqlValue[][] = [];
    for (let i = 0; i < fields.length; i++) {
      const l = fields[i]!.lower(range.startKeys[i]);
      const u = fields[i]!.upper(range.endKeys[i]);
      if (!l || !u) return undefined;
      lower.push(l);
      upper.push(u);
    }
    let sql = '';
    const params: SqlValue[] = [];
    let k = 0;
    while (k < fields.length && sameValues(lower[k]!, upper[k]!)) {
      fields[k]!.columns.forEach((column, c) => {
        sql += ` AND ${quoteIdentifier(column)} = ?`;
        params.push(lower[k]![c]!);
      });
      k++;
    }
    if (k === fields.length) return { sql, params, exact: true };
    const field = fields[k]!;
    const restUnconstrained =
      range.startKeys
        .slice(k + 1)
        .every((key) => key === (range.inclusiveStart ? INDEX_MIN : INDEX_MAX)) &&
      range.endKeys
        .slice(k + 1)
        .every((key) => key === (range.inclusiveEnd ? INDEX_MAX : INDEX_MIN));
    const exact = restUnconstrained && field.columns.length === 1;
    const column = quoteIdentifier(field.columns[0]!);
    sql += ` AND ${column} ${exact && !range.inclusiveStart ? '>' : '>='} ?`;
    sql += ` AND ${column} ${exact && !range.inclusiveEnd ? '<' : '<='} ?`;
    params.push(lower[k]![0]!, upper[k]![0]!);
    return { sql, params, exact };
  }

  /** SQLite's planner would sometimes take another index's `deleted` prefix for a range. */
  private indexedBy(number: number): string {
    return `INDEXED BY ${quoteIdentifier(`${this.tableName}__i${number}`)}`;
  }

  keyBounds(range: PlanRange): { lower: Uint8Array; upper: Uint8Array } {
    const schema = this.schema as never;
    return {
      lower: encodeIndexKey(
        getStartIndexStringFromLowerBound(schema, [...range.index], range.startKeys as never),
      ),
      upper: encodeIndexKey(
        getStartIndexStringFromUpperBound(schema, [...range.index], range.endKeys as never),
      ),
    };
  }

  /**
   * Whether any document has irregular values for SQL index `i` (rare: most tables have none).
   * Saves computing RxDB's key bounds of a range (about 5 % of a first page) when none has.
   */
  private hasIrregular(i: number): boolean {
    const probe = this.cached(
      'irrAny',
      () => `SELECT 1 AS x FROM ${this.irrTable} WHERE ix = ? LIMIT 1`,
    );
    return probe.get(i) !== undefined;
  }

  private irregularInRange(
    number: number,
    keys: { lower: Uint8Array; upper: Uint8Array },
  ): boolean {
    // Inclusive probe: a superset is fine, it only decides whether to merge.
    const probe = this.cached(
      'irrProbe',
      () => `SELECT 1 AS x FROM ${this.irrTable} WHERE ix = ? AND key >= ? AND key <= ? LIMIT 1`,
    );
    return probe.get(number, keys.lower, keys.upper) !== undefined;
  }

  private irregularRows(
    number: number,
    keys: { lower: Uint8Array; upper: Uint8Array },
    range: PlanRange,
    direction: 'ASC' | 'DESC',
  ): Iterable<{ key: Uint8Array; doc: Doc }> {
    const statement = this.cached(
      `irrRows:${range.inclusiveStart}:${range.inclusiveEnd}:${direction}`,
      () =>
        `SELECT i.key, ${ROW_COLUMNS_T}` +
        ` FROM ${this.irrTable} i JOIN ${this.table} t ON t.rid = i.rid WHERE i.ix = ? AND ` +
        keyRangeSql('i.key', range) +
        ` ORDER BY i.key ${direction}`,
    );
    return lazy(() => {
      statement.setReturnArrays(true);
      return mapKeyedRows(
        statement.iterate(number, keys.lower, keys.upper) as Iterable<[Uint8Array, ...Row]>,
      );
    });
  }

  private cached(key: string, sql: () => string): StatementSync {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(sql());
      this.statements.set(key, statement);
    }
    return statement;
  }
}

type Row = [number, number, number, number, string, string | null, string];

/**
 * The columns of an RxDB index's SQL index (format 3): without the primary key RxDB puts last.
 * Every entry would carry the 22-byte id besides the row id SQLite keeps anyway (about a fifth
 * of a check-in's index bytes); ties on the other fields are rare, and the queries' ORDER BY
 * still ends with `id`, which SQLite sorts within each group of equal leading values as it
 * walks ("TEMP B-TREE FOR LAST TERM"), still in index order and stopping early. An index of the
 * primary key alone keeps it.
 */
export function sqlIndexColumns(columns: readonly string[]): readonly string[] {
  const rest = columns.slice(0, -1);
  const last = columns[columns.length - 1];
  return last === 'id' && rest.some((c) => c !== 'deleted') ? rest : columns;
}

function sameValues(a: readonly SqlValue[], b: readonly SqlValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x instanceof Uint8Array || y instanceof Uint8Array) return false; // sentinels only
    if (x !== y) return false;
  }
  return true;
}

function keyRangeSql(column: string, range: PlanRange): string {
  return (
    `${column} ${range.inclusiveStart ? '>=' : '>'} ? AND ` +
    `${column} ${range.inclusiveEnd ? '<=' : '<'} ?`
  );
}

/** The stored JSON: the document less RxDB's fields, which have columns. */
function split(doc: Doc): { data: string; extra: string | null } {
  const { _deleted, _attachments, _rev, _meta, ...fields } = doc;
  void _deleted;
  void _rev;
  const usual =
    _attachments !== null &&
    typeof _attachments === 'object' &&
    Object.keys(_attachments).length === 0 &&
    Object.keys(_meta).length === 1;
  return {
    data: JSON.stringify(fields),
    extra: usual ? null : JSON.stringify({ _attachments, _meta }),
  };
}

export function docOf(row: Row): Doc {
  const doc = JSON.parse(row[6]) as Doc;
  doc._deleted = row[1] === 1;
  if (row[5] === null) {
    doc._attachments = {};
    doc._rev = row[4];
    doc._meta = { lwt: row[3] };
  } else {
    const extra = JSON.parse(row[5]) as Pick<Doc, '_attachments' | '_meta'>;
    doc._attachments = extra._attachments;
    doc._rev = row[4];
    doc._meta = extra._meta;
  }
  return doc;
}

/**
 * A walk's rows: the first `first` in one call (node:sqlite's all() is about a quarter cheaper
 * than stepping an iterator row by row), the rest, if the walk goes on, stepped one by one.
 * Nothing else runs on the connection in between: a query is one synchronous call.
 */
function* chunks(statement: StatementSync, params: never[], first: number): Iterable<Doc> {
  const head = statement.all(...params, first as never, 0 as never) as unknown as Row[];
  for (const row of head) yield docOf(row);
  if (head.length < first) return;
  yield* mapRows(statement.iterate(...params, -1 as never, first as never) as Iterable<Row>);
}

/** An iterable whose source is only created when iteration starts. */
function lazy<T>(start: () => Iterable<T>): Iterable<T> {
  return { [Symbol.iterator]: () => start()[Symbol.iterator]() };
}

/** The documents whose RxDB index key is inside the range's bounds, lazily and in order. */
function withinKeys(
  rows: Iterable<Doc>,
  keyOf: (doc: Doc) => Uint8Array,
  bounds: { lower: Uint8Array; upper: Uint8Array },
  range: PlanRange,
): Iterable<Doc> {
  return lazy(function* () {
    for (const doc of rows) {
      const key = keyOf(doc);
      const above = Buffer.compare(key, bounds.lower);
      const below = Buffer.compare(key, bounds.upper);
      if (range.inclusiveStart ? above < 0 : above <= 0) continue;
      if (range.inclusiveEnd ? below > 0 : below >= 0) continue;
      yield doc;
    }
  });
}

function* mapRows(rows: Iterable<Row>): Iterable<Doc> {
  for (const row of rows) yield docOf(row);
}

function* mapKeyedRows(
  rows: Iterable<[Uint8Array, ...Row]>,
): Iterable<{ key: Uint8Array; doc: Doc }> {
  for (const [key, ...row] of rows) yield { key, doc: docOf(row as Row) };
}

/** Merges the regular rows (keys computed) with the irregular ones (keys stored), in order. */
function* mergeByKey(
  regular: Iterable<Doc>,
  irregular: Iterable<{ key: Uint8Array; doc: Doc }>,
  keyOf: (doc: Doc) => Uint8Array,
  descending: boolean,
  /** Called with each irregular document before it is given out (may throw). */
  checkIrregular?: (doc: Doc) => void,
): Iterable<Doc> {
  const sign = descending ? -1 : 1;
  const a = regular[Symbol.iterator]();
  const b = irregular[Symbol.iterator]();
  try {
    let x = a.next();
    let y = b.next();
    let xKey = x.done ? undefined : keyOf(x.value);
    while (!x.done || !y.done) {
      if (!x.done && (y.done || sign * Buffer.compare(xKey!, y.value.key) <= 0)) {
        yield x.value;
        x = a.next();
        xKey = x.done ? undefined : keyOf(x.value);
      } else if (!y.done) {
        checkIrregular?.(y.value.doc);
        yield y.value.doc;
        y = b.next();
      }
    }
  } finally {
    // A consumer that stops early must release both statements.
    a.return?.();
    b.return?.();
  }
}
