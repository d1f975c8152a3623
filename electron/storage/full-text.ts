/**
 * A full-text index beside a collection table (format 2): an FTS5 table with the trigram
 * tokenizer (case-insensitive, diacritics removed), contentless (the text lives in the
 * documents only), kept by the table's own insert and update (collection-table.ts), so it
 * changes in the same transaction as every write. Tombstones are not in it. (Not by SQL
 * triggers: see fullTextSignature.)
 *
 * Its rowid is the table's rid negated (`-rid`); with `newestBy` the table gives rows
 * time-ordered rids (collection-table.ts), so "newest first" is the FTS index's ascending rowid
 * order: FTS5 walks its doclists forward cheaply (skipping with the doclist index), while a
 * descending walk has to read a term's whole doclist first — at 1M check-ins a ticket suffix,
 * whose trigrams "000"/"001" are in nearly every ticket id, took 15× longer newest-first on
 * plain rids. (Rows written before the declaration keep their arrival-ordered rids.)
 *
 * A search is one pass over the index: the newest matching rowids up to the count's cap
 * (without filters the FTS table alone answers: it holds live documents only), then the
 * page's rows by rid. No join per match, no second query for the count.
 *
 * Documents stored before the index existed are added by `fillChunk`, a chunk per transaction
 * (table-open.ts runs it in the background and keeps the position in the catalog). The table's
 * writes index from the start, so a row written meanwhile is indexed by its write and skipped
 * by the fill.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { jsonPath, sqlString } from './index-columns';
import { quoteIdentifier } from './sql-names';

export type FullTextOptions = Readonly<{
  /** Document paths whose text is searchable (strings; dots for nested fields). */
  fields: readonly string[];
  /** A number field (epoch ms) by which results come newest first. */
  newestBy?: string;
}>;

/** A filter on a document path: equal to a value, or a number range (inclusive). */
export type FullTextFilter = string | number | boolean | Readonly<{ gte?: number; lte?: number }>;

export type FullTextQuery = Readonly<{
  text: string;
  /** Filters on document paths, all of which must hold. */
  where?: Readonly<Record<string, FullTextFilter>>;
  limit: number;
  offset?: number;
  /** Count matches up to this many (the total is then "at least"). */
  countUpTo?: number;
  /** Short text (no term of 3+ characters) scans at most this many newest documents. */
  scanUpTo?: number;
}>;

export type FullTextRows = Readonly<{
  /** Raw rows, newest first, for the table to turn into documents. */
  rows: unknown[][];
  total: number;
  /** true: `total` stopped at the cap, or a short-text scan stopped at its budget. */
  capped: boolean;
  /** 'index' (FTS) or 'scan' (short text, newest documents checked one by one). */
  mode: 'index' | 'scan';
  /** See FullTextIndex.state: anything but 'complete' means older documents may be missing. */
  index: 'complete' | 'filling' | 'failed';
}>;

/** Trigrams need three characters; shorter terms are checked on the text itself. */
export const MIN_TERM = 3;
const DEFAULT_SCAN = 20_000;
const DEFAULT_COUNT = 1_000;

/**
 * The catalog's record of a declaration. v2: kept by the storage's own writes (v1 used SQL
 * triggers: FTS5 flushes its pending terms at every statement savepoint, so a trigger per row
 * wrote a segment per row, about 3× the cost). v3: FTS rowid = -rid (newest first = ascending).
 * A file with another version is re-indexed in the background at open.
 */
export function fullTextSignature(options: FullTextOptions): string {
  return JSON.stringify({ fields: options.fields, newestBy: options.newestBy, v: 3 });
}

export class FullTextIndex {
  private readonly fts: string;
  private readonly table: string;
  private readonly statements = new Map<string, StatementSync>();
  private readonly getters: ((doc: Record<string, unknown>) => unknown)[];

  constructor(
    private readonly db: DatabaseSync,
    private readonly tableName: string,
    readonly options: FullTextOptions,
  ) {
    this.fts = quoteIdentifier(`${tableName}__fts`);
    this.table = quoteIdentifier(tableName);
    this.getters = options.fields.map((path) => {
      const parts = path.split('.');
      return (doc) =>
        parts.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], doc);
    });
  }

  /** What the catalog stores to notice a changed declaration. */
  get signature(): string {
    return fullTextSignature(this.options);
  }

  private columns(): string[] {
    return this.options.fields.map((_, i) => `c${i}`);
  }

  private values(): string {
    return this.options.fields
      .map((path) => `coalesce(json_extract(data, ${sqlString(jsonPath(path))}), '')`)
      .join(', ');
  }

  exists(): boolean {
    return (
      this.db
        .prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(`${this.tableName}__fts`) !== undefined
    );
  }

  /** Creates the (empty) FTS table; documents already stored are added by fillChunk. */
  create(): void {
    this.db.exec(
      `CREATE VIRTUAL TABLE ${this.fts} USING fts5(${this.columns().join(', ')}, content='',` +
        " contentless_delete=1, tokenize='trigram remove_diacritics 1')",
    );
  }

  /** The searched text of a document, one value per field (as the fill's json_extract). */
  textOf(doc: Record<string, unknown>): string[] {
    return this.getters.map((get) => {
      const value = get(doc);
      if (value === undefined || value === null) return '';
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    });
  }

  /**
   * Indexes a stored (not deleted) document under its row id; in the caller's transaction.
   * Several in one transaction: add them by descending rid (ascending FTS rowid), or FTS5
   * writes a segment at every step down.
   */
  add(rid: number, text: readonly string[]): void {
    this.cached(
      'add',
      () =>
        `INSERT INTO ${this.fts} (rowid, ${this.columns().join(', ')})` +
        ` VALUES (?${', ?'.repeat(this.columns().length)})`,
    ).run(-rid, ...text);
  }

  remove(rid: number): void {
    this.cached('remove', () => `DELETE FROM ${this.fts} WHERE rowid = ?`).run(-rid);
  }

  /** The highest row id now stored (where a fill of the existing documents ends), if any. */
  lastRid(): number | null {
    const m = this.db.prepare(`SELECT max(rid) AS m FROM ${this.table}`).get()?.m;
    return m === null || m === undefined ? null : Number(m);
  }

  private filling: Promise<void> | undefined;
  private fillFailure: unknown;

  /** Follows a background fill of the documents stored before the index (full-text-fill.ts). */
  startFill(fill: Promise<void>): void {
    const tracked = fill.then(
      () => {
        if (this.filling === tracked) this.filling = undefined;
      },
      (error: unknown) => {
        this.fillFailure = error;
        throw error;
      },
    );
    // The failure is reported by `state` and `ready()`, not as an unhandled rejection.
    tracked.catch(() => undefined);
    this.filling = tracked;
  }

  /**
   * 'complete': every stored document is searchable; 'filling': documents stored before the
   * index are still being added; 'failed': that fill stopped on an error (tried again at the
   * next open; new writes are indexed either way).
   */
  get state(): 'complete' | 'filling' | 'failed' {
    if (this.fillFailure !== undefined) return 'failed';
    return this.filling ? 'filling' : 'complete';
  }

  /** Resolves once the background fill is done (at once without one); rejects if it failed. */
  ready(): Promise<void> {
    return this.filling ?? Promise.resolve();
  }

  /**
   * Indexes up to `size` documents with `after < rid <= end`, in rid order, skipping rows a
   * write already indexed. Returns the last rid looked at, or null when none was left.
   * Runs inside the caller's transaction.
   */
  fillChunk(after: number, end: number, size: number): number | null {
    const last = this.cached(
      'fillLast',
      () =>
        `SELECT max(rid) AS m FROM (SELECT rid FROM ${this.table} WHERE rid > ? AND rid <= ?` +
        ' ORDER BY rid LIMIT ?)',
    ).get(after, end, size)?.m;
    if (last === null || last === undefined) return null;
    const upTo = Number(last);
    this.cached(
      'fill',
      () =>
        `INSERT INTO ${this.fts} (rowid, ${this.columns().join(', ')})` +
        ` SELECT -rid, ${this.values()} FROM ${this.table}` +
        ` WHERE rid > ? AND rid <= ? AND deleted = 0` +
        ` AND NOT EXISTS (SELECT 1 FROM ${this.fts} WHERE rowid = -rid)` +
        // Ascending FTS rowids: FTS5 writes a segment whenever a rowid steps down.
        ' ORDER BY rid DESC',
    ).run(after, upTo);
    return upTo;
  }

  drop(): void {
    // Files written by the first version kept the index with triggers.
    for (const suffix of ['ai', 'ad', 'au']) {
      this.db.exec(`DROP TRIGGER IF EXISTS ${quoteIdentifier(`${this.tableName}__fts_${suffix}`)}`);
    }
    this.db.exec(`DROP TABLE IF EXISTS ${this.fts}`);
  }

  /** Rows (`selectColumns` of the table, aliased t) matching `query`, newest first. */
  search(
    query: FullTextQuery,
    selectColumns: string,
    checkFor: (terms: readonly string[]) => (row: unknown[]) => boolean,
  ): FullTextRows {
    return { ...this.matching(query, selectColumns, checkFor), index: this.state };
  }

  private matching(
    query: FullTextQuery,
    selectColumns: string,
    checkFor: (terms: readonly string[]) => (row: unknown[]) => boolean,
  ): Matches {
    const terms = splitTerms(query.text);
    const long = terms.filter((t) => [...t].length >= MIN_TERM);
    const short = terms.filter((t) => [...t].length < MIN_TERM);
    const where = Object.entries(query.where ?? {});
    const { sql: filterSql, params: filterParams } = filterTerms(where);
    const offset = query.offset ?? 0;
    const countUpTo = query.countUpTo ?? DEFAULT_COUNT;
    if (long.length === 0) {
      return this.scan(query, selectColumns, filterSql, filterParams, checkFor(terms), offset);
    }
    const match = long.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
    // Newest first is ascending FTS rowid (-rid).
    const base =
      filterSql === ''
        ? `FROM ${this.fts} f WHERE ${this.fts} MATCH ?`
        : `FROM ${this.fts} f JOIN ${this.table} t ON t.rid = -f.rowid` +
          ` WHERE ${this.fts} MATCH ? AND t.deleted = 0${filterSql}`;
    if (short.length === 0) {
      // One pass: the newest matching rids up to the cap give the count and the page.
      const cap = Math.max(countUpTo + 1, offset + query.limit);
      const ridsOf = this.cached(
        `rids:${filterSql}`,
        () => `SELECT -f.rowid AS rid ${base} ORDER BY f.rowid LIMIT ?`,
      );
      ridsOf.setReturnArrays(true);
      const found = (ridsOf.all(match, ...filterParams, cap) as unknown as [number][]).map(
        (r) => r[0],
      );
      const pageRids = found.slice(offset, offset + query.limit);
      const rows = pageRids.length === 0 ? [] : this.rowsByRids(pageRids, selectColumns);
      return {
        rows,
        total: Math.min(found.length, countUpTo),
        capped: found.length > countUpTo,
        mode: 'index',
      };
    }
    // Some terms are too short for trigrams: the long ones narrow, the text check decides.
    const all = this.cached(
      `iter:${filterSql}`,
      () =>
        `SELECT ${selectColumns} FROM ${this.fts} f JOIN ${this.table} t ON t.rid = -f.rowid` +
        ` WHERE ${this.fts} MATCH ? AND t.deleted = 0${filterSql} ORDER BY f.rowid`,
    );
    all.setReturnArrays(true);
    const rows = all.iterate(match, ...filterParams) as Iterable<unknown[]>;
    return collect(rows, checkFor(short), query, offset, countUpTo, 'index');
  }

  /** The rows of these rids (`selectColumns`, table aliased t), in the order given. */
  private rowsByRids(rids: readonly number[], selectColumns: string): unknown[][] {
    const statement = this.cached(
      `byRids:${selectColumns}`,
      () =>
        `SELECT ${selectColumns} FROM json_each(?) j JOIN ${this.table} t ON t.rid = j.value` +
        ' WHERE t.deleted = 0 ORDER BY j.key',
    );
    statement.setReturnArrays(true);
    return statement.all(JSON.stringify(rids)) as unknown as unknown[][];
  }

  private scan(
    query: FullTextQuery,
    selectColumns: string,
    filterSql: string,
    filterParams: SqlParam[],
    check: (row: unknown[]) => boolean,
    offset: number,
  ): Matches {
    const budget = query.scanUpTo ?? DEFAULT_SCAN;
    const statement = this.cached(
      `scan:${filterSql}`,
      () =>
        `SELECT ${selectColumns} FROM (SELECT * FROM ${this.table} ORDER BY rid DESC LIMIT ?) t` +
        ` WHERE t.deleted = 0${filterSql}`,
    );
    statement.setReturnArrays(true);
    const result = collect(
      statement.iterate(budget, ...filterParams) as Iterable<unknown[]>,
      check,
      query,
      offset,
      query.countUpTo ?? DEFAULT_COUNT,
      'scan',
    );
    const beyond = this.cached(
      'scanBeyond',
      () => `SELECT 1 AS x FROM ${this.table} ORDER BY rid DESC LIMIT 1 OFFSET ?`,
    ).get(budget);
    return { ...result, capped: result.capped || beyond !== undefined };
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

function filterTerms(where: [string, FullTextFilter][]): { sql: string; params: SqlParam[] } {
  let sql = '';
  const params: SqlParam[] = [];
  for (const [path, filter] of where) {
    const value = `json_extract(t.data, ${sqlString(jsonPath(path))})`;
    if (typeof filter === 'object') {
      if (filter.gte !== undefined) {
        sql += ` AND ${value} >= ?`;
        params.push(filter.gte);
      }
      if (filter.lte !== undefined) {
        sql += ` AND ${value} <= ?`;
        params.push(filter.lte);
      }
    } else {
      sql += ` AND ${value} = ?`;
      params.push(typeof filter === 'boolean' ? (filter ? 1 : 0) : filter);
    }
  }
  return { sql, params };
}

type SqlParam = string | number;
type Matches = Omit<FullTextRows, 'index'>;

function collect(
  rows: Iterable<unknown[]>,
  check: (row: unknown[]) => boolean,
  query: FullTextQuery,
  offset: number,
  countUpTo: number,
  mode: 'index' | 'scan',
): Matches {
  const page: unknown[][] = [];
  let total = 0;
  for (const row of rows) {
    if (!check(row)) continue;
    total++;
    if (total > offset && page.length < query.limit) page.push(row);
    if (total > countUpTo) break;
  }
  return { rows: page, total: Math.min(total, countUpTo), capped: total > countUpTo, mode };
}

export function splitTerms(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0);
}

/**
 * Case- and accent-folded text, for checking short terms (the FTS index folds on its own):
 * lower case, combining marks removed after canonical decomposition.
 */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
