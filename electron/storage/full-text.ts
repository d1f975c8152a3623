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
  /**
   * A bulk write of at least this many new documents (a backlog being caught up, an initial
   * sync) leaves their full-text rows to a background pass (full-text-pending.ts); smaller
   * writes index at once. Default DEFER_FROM. Not part of the declaration (signature).
   */
  deferFrom?: number;
  /** The background pass starts once no deferring write came for this long (ms). */
  deferQuietMs?: number;
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
  /** Documents still waiting for the index: at most this many newest are checked one by one. */
  pendingScanUpTo?: number;
}>;

export type FullTextRows = Readonly<{
  /** Raw rows, newest first, for the table to turn into documents. */
  rows: unknown[][];
  total: number;
  /** true: `total` stopped at the cap, or a short-text scan stopped at its budget. */
  capped: boolean;
  /** 'index' (FTS) or 'scan' (short text, newest documents checked one by one). */
  mode: 'index' | 'scan';
  /**
   * See FullTextIndex.state: 'filling' or 'failed' means documents stored before the index may
   * be missing; 'catching-up' means `notIndexed` documents of a large write are not in the index
   * yet and were not looked at.
   */
  index: FullTextState;
  /**
   * Documents written by a large write that the index has not taken in yet and that this search
   * did not check either (it checks the newest `pendingScanUpTo` of them one by one, so this is
   * 0 unless more are waiting).
   */
  notIndexed: number;
}>;

export type FullTextState = 'complete' | 'filling' | 'catching-up' | 'failed';

/** Trigrams need three characters; shorter terms are checked on the text itself. */
export const MIN_TERM = 3;
const DEFAULT_SCAN = 20_000;
const DEFAULT_COUNT = 1_000;
const DEFAULT_PENDING_SCAN = 20_000;
/** See FullTextOptions.deferFrom: the ingest's live batches are a few check-ins each. */
export const DEFER_FROM = 100;
/** See FullTextOptions.deferQuietMs: a catch-up commits a batch every fraction of a second. */
export const DEFER_QUIET_MS = 1_000;
/** Rows per background transaction: a live batch waits behind at most one. */
export const PENDING_CHUNK = 1_000;

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
  /** Row ids written by a large write whose full-text rows are not added yet. */
  private readonly pending: string;
  private readonly statements = new Map<string, StatementSync>();
  private readonly getters: ((doc: Record<string, unknown>) => unknown)[];

  constructor(
    private readonly db: DatabaseSync,
    private readonly tableName: string,
    readonly options: FullTextOptions,
  ) {
    this.fts = quoteIdentifier(`${tableName}__fts`);
    this.table = quoteIdentifier(tableName);
    this.pending = quoteIdentifier(`${tableName}__fts_pending`);
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

  private values(data = 'data'): string {
    return this.options.fields
      .map((path) => `coalesce(json_extract(${data}, ${sqlString(jsonPath(path))}), '')`)
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
    this.ensurePending();
  }

  /**
   * The list of rows a large write left to the background pass (files written before it have
   * none yet). A rowid table of the rid alone: about 10 bytes a waiting row, gone once indexed.
   */
  ensurePending(): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${this.pending} (rid INTEGER PRIMARY KEY)`);
  }

  /** Whether a write of `count` new documents leaves their index rows to the background pass. */
  defers(count: number): boolean {
    return count >= (this.options.deferFrom ?? DEFER_FROM);
  }

  /**
   * Records rows whose full-text rows the background pass adds (full-text-pending.ts); in the
   * caller's transaction, so the list commits or rolls back with the rows themselves.
   */
  defer(rids: readonly number[]): void {
    const insert = this.cached('defer', () => `INSERT INTO ${this.pending} (rid) VALUES (?)`);
    for (const rid of rids) insert.run(rid);
    this.lastDeferredAt = performance.now();
    this.kickPending();
  }

  /** Whether this row waits for the background pass (its text is then read from the row). */
  isPending(rid: number): boolean {
    return (
      this.cached('isPending', () => `SELECT 1 AS x FROM ${this.pending} WHERE rid = ?`).get(
        rid,
      ) !== undefined
    );
  }

  hasPending(): boolean {
    return (
      this.cached('anyPending', () => `SELECT 1 AS x FROM ${this.pending} LIMIT 1`).get() !==
      undefined
    );
  }

  pendingCount(): number {
    return Number(
      this.cached('countPending', () => `SELECT count(*) AS n FROM ${this.pending}`).get()?.n ?? 0,
    );
  }

  /** Forgets waiting rows that the cleanup is about to delete (their rids may be reused). */
  forgetPendingTombstonesUpTo(lwt: number): void {
    this.cached(
      'forgetPending',
      () =>
        `DELETE FROM ${this.pending} WHERE rid IN` +
        ` (SELECT rid FROM ${this.table} WHERE deleted = 1 AND lwt <= ?)`,
    ).run(lwt);
  }

  /**
   * Adds the full-text rows of up to `size` waiting rows, newest first, and takes them off the
   * list, in the caller's transaction (so a row is indexed exactly once: both commit or
   * neither). Deleted or purged rows just leave the list. Returns how many were taken.
   */
  indexPendingChunk(size: number): number {
    // The collection may have been removed since the pass was started.
    const listed = this.db
      .prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(`${this.tableName}__fts_pending`);
    if (listed === undefined) return 0;
    const lowest = this.cached(
      'pendingLow',
      () =>
        `SELECT min(rid) AS m, count(*) AS n FROM` +
        ` (SELECT rid FROM ${this.pending} ORDER BY rid DESC LIMIT ?)`,
    ).get(size);
    const taken = Number(lowest?.n ?? 0);
    if (taken === 0) return 0;
    const from = Number(lowest!.m);
    this.cached(
      'pendingAdd',
      () =>
        `INSERT INTO ${this.fts} (rowid, ${this.columns().join(', ')})` +
        ` SELECT -t.rid, ${this.values('t.data')} FROM ${this.pending} p` +
        ` JOIN ${this.table} t ON t.rid = p.rid WHERE p.rid >= ? AND t.deleted = 0` +
        // Ascending FTS rowids: FTS5 writes a segment whenever a rowid steps down.
        ' ORDER BY p.rid DESC',
    ).run(from);
    this.cached('pendingTake', () => `DELETE FROM ${this.pending} WHERE rid >= ?`).run(from);
    return taken;
  }

  /** When the last deferring write came (performance.now()). */
  lastDeferredAt = 0;
  private runner: (() => Promise<void>) | undefined;
  private pendingRun: Promise<void> | undefined;
  private running = false;
  private wanted = false;
  private pendingFailure: unknown;

  /** How the background pass runs on this index's connection (table-open.ts). */
  setPendingRunner(runner: () => Promise<void>): void {
    this.runner = runner;
  }

  /** Waits until no deferring write came for `deferQuietMs` (a catch-up is over). */
  async quiet(): Promise<void> {
    const quietMs = this.options.deferQuietMs ?? DEFER_QUIET_MS;
    for (;;) {
      const wait = this.lastDeferredAt + quietMs - performance.now();
      if (wait <= 0) return;
      // unref: a process that is done may exit; the list is in the file for the next open.
      await new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(wait)).unref());
    }
  }

  /** Starts the background pass unless it runs (it then looks again before it stops). */
  kickPending(): void {
    const runner = this.runner;
    if (!runner) return;
    this.wanted = true;
    if (this.running) return;
    this.running = true;
    const run = (async () => {
      try {
        do {
          this.wanted = false;
          await runner();
          this.pendingFailure = undefined;
        } while (this.wanted);
      } finally {
        // Synchronously after the last check: a write after it finds `running` false.
        this.running = false;
      }
    })();
    // A failure is reported by `ready()` and retried by the next deferring write or open.
    run.catch((error: unknown) => {
      this.pendingFailure = error;
    });
    this.pendingRun = run;
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

  /**
   * Resolves once every stored document is in the index: the background fill is done and no
   * row of a large write waits (at once if none does); rejects if either failed.
   */
  async ready(): Promise<void> {
    await this.filling;
    while (this.hasPending()) {
      if (!this.runner) throw new Error('full-text: rows wait for an index pass that never runs');
      this.kickPending();
      await this.pendingRun?.catch(() => undefined);
      if (this.pendingFailure !== undefined) throw this.pendingFailure;
    }
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
        // Rows of a large write are the background pass's (full-text-pending.ts).
        ` AND NOT EXISTS (SELECT 1 FROM ${this.pending} p WHERE p.rid = ${this.table}.rid)` +
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
    this.db.exec(`DROP TABLE IF EXISTS ${this.pending}`);
  }

  /**
   * Rows (`selectColumns` of the table, aliased t, starting with `t.rid`) matching `query`,
   * newest first. Rows a large write left to the background pass are not in the index yet:
   * the newest `pendingScanUpTo` of them are checked one by one on their text and merged in
   * by rid, and the result says how many more were not looked at (`notIndexed`).
   */
  search(
    query: FullTextQuery,
    selectColumns: string,
    checkFor: (terms: readonly string[]) => (row: unknown[]) => boolean,
  ): FullTextRows {
    const terms = splitTerms(query.text);
    const hasLong = terms.some((t) => [...t].length >= MIN_TERM);
    // Without a long term the search scans the table itself, waiting rows included.
    const waiting = hasLong && this.hasPending() ? this.pendingMatches(query, terms) : undefined;
    const matches = this.matching(query, selectColumns, checkFor, waiting?.rids ?? []);
    const notIndexed = waiting?.notLookedAt ?? 0;
    const state = this.state;
    return {
      ...matches,
      index: state === 'complete' && notIndexed > 0 ? 'catching-up' : state,
      notIndexed,
    };
  }

  /**
   * The waiting rows (newest first, up to the budget) whose text holds every term, as the index
   * would match them (folded; a term never spans two fields), and that pass the filters: their
   * rids, newest first, at most the count's cap; and how many waiting rows were not looked at.
   */
  private pendingMatches(
    query: FullTextQuery,
    terms: readonly string[],
  ): { rids: number[]; notLookedAt: number } {
    const budget = query.pendingScanUpTo ?? DEFAULT_PENDING_SCAN;
    const cap = Math.max((query.countUpTo ?? DEFAULT_COUNT) + 1, (query.offset ?? 0) + query.limit);
    const { sql: filterSql, params: filterParams } = filterTerms(Object.entries(query.where ?? {}));
    const statement = this.cached(
      `pendingScan:${filterSql}`,
      () =>
        `SELECT t.rid, ${this.values('t.data')} FROM` +
        ` (SELECT rid FROM ${this.pending} ORDER BY rid DESC LIMIT ?) p` +
        ` JOIN ${this.table} t ON t.rid = p.rid WHERE t.deleted = 0${filterSql}` +
        ' ORDER BY p.rid DESC',
    );
    statement.setReturnArrays(true);
    const folded = terms.map(foldText);
    const rids: number[] = [];
    for (const row of statement.iterate(budget, ...filterParams) as Iterable<unknown[]>) {
      const text = foldText(row.slice(1).map(String).join('\n'));
      if (!folded.every((term) => text.includes(term))) continue;
      rids.push(Number(row[0]));
      // Every waiting row not looked at is older than these: the newest `cap` are exact.
      if (rids.length >= cap) return { rids, notLookedAt: 0 };
    }
    const beyond = this.cached(
      'pendingBeyond',
      () => `SELECT 1 AS x FROM ${this.pending} ORDER BY rid DESC LIMIT 1 OFFSET ?`,
    ).get(budget);
    return { rids, notLookedAt: beyond === undefined ? 0 : this.pendingCount() - budget };
  }

  private matching(
    query: FullTextQuery,
    selectColumns: string,
    checkFor: (terms: readonly string[]) => (row: unknown[]) => boolean,
    waitingRids: readonly number[],
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
      const indexed = (ridsOf.all(match, ...filterParams, cap) as unknown as [number][]).map(
        (r) => r[0],
      );
      const found =
        waitingRids.length === 0 ? indexed : mergeDescending(indexed, waitingRids).slice(0, cap);
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
    const merged =
      waitingRids.length === 0
        ? rows
        : mergeRowsDescending(rows, this.rowsByRids(waitingRids, selectColumns));
    return collect(merged, checkFor(short), query, offset, countUpTo, 'index');
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
type Matches = Omit<FullTextRows, 'index' | 'notIndexed'>;

/** Two lists of distinct rids, each descending, as one descending list. */
function mergeDescending(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! > b[j]!)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/** Rows (rid first) from the index, newest first, with the waiting rows merged in by rid. */
function* mergeRowsDescending(
  indexed: Iterable<unknown[]>,
  waiting: readonly unknown[][],
): Iterable<unknown[]> {
  let j = 0;
  for (const row of indexed) {
    while (j < waiting.length && Number(waiting[j]![0]) > Number(row[0])) yield waiting[j++]!;
    yield row;
  }
  while (j < waiting.length) yield waiting[j++]!;
}

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
