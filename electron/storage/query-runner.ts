/**
 * Runs an RxDB prepared query on a table with RxDB's own semantics (the memory storage is the
 * reference): the plan's index range in SQL, RxDB's matcher where the index does not answer the
 * selector, and RxDB's order.
 *
 * - An ascending sort the planner says the index satisfies: the index walk forwards (with
 *   LIMIT/OFFSET in SQL when the index also answers the selector).
 * - A descending or mixed sort over the same fields as the index (RxDB's planner never calls
 *   that satisfied): the index walked in the first sort field's direction, O(log N + limit).
 *   Rows come in runs that share the first sort field's index part; each run is sorted by
 *   RxDB's comparator, which fixes the fields sorted the other way and any tie the index
 *   cannot tell apart. Exact because, for regular documents (index-columns.ts), index parts
 *   that differ order the same way as the comparator.
 * - Anything else (another sort, or irregular documents in the range): every matching row of
 *   the range, sorted by the comparator.
 */
import {
  getIndexMeta,
  getPrimaryFieldOfPrimaryKey,
  getQueryMatcher,
  getQueryPlan,
  getSchemaByObjectPath,
  getSortComparator,
  prepareQuery,
  type FilledMangoQuery,
  type PreparedQuery,
  type RxJsonSchema,
  type RxQueryPlan,
} from 'rxdb';
import {
  NotWalkable,
  type Doc,
  type OrderedRows,
  type PlanRange,
  type RowSource,
} from './row-source';

type Query = FilledMangoQuery<Record<string, unknown>>;
type Schema = RxJsonSchema<Doc>;

/** How often each path ran (tests check that the fast paths are really taken). */
export const queryRunnerStats = { walks: 0, fallbacks: 0 };

type Compare = (a: Doc, b: Doc) => number;
type Choice = { walk: Walk; plan: RxQueryPlan };

/**
 * What a prepared query needs besides its plan (the walk's index, RxDB's matcher and
 * comparator), worked out once per prepared query: callers that ask the same query again
 * (RxQuery, electron/db's raw queries) keep the same prepared object, and working these out
 * costs about as much as reading a first page's rows from SQLite.
 */
type Memo = {
  readonly schema: Schema;
  choice?: Choice | null;
  compare?: Compare;
  matches?: (doc: never) => boolean;
};
const memos = new WeakMap<object, Memo>();

function memoOf(prepared: PreparedQuery<unknown>, schema: Schema): Memo {
  let memo = memos.get(prepared);
  if (!memo || memo.schema !== schema) {
    memo = { schema };
    memos.set(prepared, memo);
  }
  return memo;
}

export function planRange(prepared: PreparedQuery<unknown>): PlanRange {
  return rangeOfPlan(prepared.queryPlan);
}

function rangeOfPlan(plan: RxQueryPlan): PlanRange {
  return {
    index: plan.index,
    startKeys: plan.startKeys,
    endKeys: plan.endKeys,
    inclusiveStart: plan.inclusiveStart,
    inclusiveEnd: plan.inclusiveEnd,
  };
}

export function runQuery(
  source: RowSource,
  schema: Schema,
  prepared: PreparedQuery<unknown>,
): Doc[] {
  const query = prepared.query as Query;
  const plan = prepared.queryPlan;
  const skip = query.skip ? query.skip : 0;
  const limit = typeof query.limit === 'number' ? query.limit : Infinity;
  if (limit === 0) return [];
  const range = planRange(prepared);
  const memo = memoOf(prepared, schema);
  const matches = plan.selectorSatisfiedByIndex
    ? undefined
    : (memo.matches ??= matcherOf(schema, query));
  const wanted = skip + limit;

  if (plan.sortSatisfiedByIndex) {
    const page = matches ? undefined : { skip, limit };
    const ordered = source.ordered(range, false, page);
    if (ordered) {
      if (ordered.paged) return [...ordered.rows];
      const check = matches ?? (ordered.exact ? undefined : matcherOf(schema, query));
      const out: Doc[] = [];
      for (const doc of ordered.rows) {
        if (check && !check(doc as never)) continue;
        out.push(doc);
        if (out.length >= wanted) break;
      }
      return out.slice(skip, wanted);
    }
  } else {
    const both = bothDeletedStates(source, schema, query, skip, wanted);
    if (both) return both;
    if (memo.choice === undefined) memo.choice = walkableIndex(schema, query, plan) ?? null;
    const choice = memo.choice;
    if (choice) {
      // Ties on the index fields may come in any order: grouped() sorts every run. One row
      // past the page tells whether the last run goes on.
      const ordered = source.ordered(rangeOfPlan(choice.plan), choice.walk.descending, undefined, {
        firstRows: wanted + 1,
        byPrimaryKey: choice.walk.byPrimaryKey,
      });
      if (ordered?.regular) {
        const walkMatches =
          choice.plan.selectorSatisfiedByIndex && ordered.exact
            ? undefined
            : (memo.matches ??= matcherOf(schema, query));
        memo.compare ??= comparatorOf(schema, query);
        const docs = walked(() =>
          grouped(ordered, choice.walk.runKey, memo.compare!, walkMatches, skip, wanted),
        );
        if (docs) {
          queryRunnerStats.walks++;
          return docs;
        }
      }
    }
  }
  queryRunnerStats.fallbacks++;
  const docs = rangeDocs(source, range, matches, schema, query);
  if (plan.sortSatisfiedByIndex) {
    // RxDB returns such a query in index order (which can differ from its comparator's).
    const keys = new Map(docs.map((doc) => [doc, source.keyOf(range.index, doc)]));
    docs.sort((a, b) => Buffer.compare(keys.get(a)!, keys.get(b)!));
  } else {
    docs.sort((memo.compare ??= comparatorOf(schema, query)));
  }
  return docs.slice(skip, wanted);
}

export function runCount(
  source: RowSource,
  schema: Schema,
  prepared: PreparedQuery<unknown>,
): { count: number; mode: 'fast' | 'slow' } {
  const range = planRange(prepared);
  if (prepared.queryPlan.selectorSatisfiedByIndex) {
    const count = source.count(range);
    if (count !== undefined) return { count, mode: 'fast' };
  }
  const matches = getQueryMatcher(schema as never, prepared.query as never);
  // Honest: this looked at documents in JavaScript (RxDB then needs allowSlowCount).
  return {
    count: rangeDocs(source, range, matches, schema, prepared.query as Query).length,
    mode: 'slow',
  };
}

/** Every document of the range that matches, in no particular order. */
function rangeDocs(
  source: RowSource,
  range: PlanRange,
  matches: ((doc: never) => boolean) | undefined,
  schema: Schema,
  query: Query,
): Doc[] {
  const docs: Doc[] = [];
  const ordered = source.ordered(range, false);
  if (ordered) {
    const check = matches ?? (ordered.exact ? undefined : matcherOf(schema, query));
    for (const doc of ordered.rows) if (!check || check(doc as never)) docs.push(doc);
    return docs;
  }
  // The range has no exact SQL form (an unusual bound): check RxDB's keys one by one.
  const { lower, upper } = source.keyBounds(range);
  for (const doc of source.all()) {
    const key = source.keyOf(range.index, doc);
    const above = Buffer.compare(key, lower);
    const below = Buffer.compare(key, upper);
    if (range.inclusiveStart ? above < 0 : above <= 0) continue;
    if (range.inclusiveEnd ? below > 0 : below >= 0) continue;
    if (!matches || matches(doc as never)) docs.push(doc);
  }
  return docs;
}

function matcherOf(schema: Schema, query: Query): (doc: never) => boolean {
  return getQueryMatcher(schema as never, query as never) as (doc: never) => boolean;
}

function comparatorOf(schema: Schema, query: Query): Compare {
  return getSortComparator(schema as never, query as never) as unknown as Compare;
}

/**
 * A descending or mixed sort whose selector leaves `_deleted` open (storage-level callers; RxDB's
 * collections always pin it): RxDB's indexes all start with `_deleted`, so its planner finds no
 * index prefix for the other pinned fields and picks `[_meta.lwt, id]`, a full read and sort.
 * Instead: the walk for live documents and the walk for tombstones, each the first `wanted` in
 * order, merged by RxDB's comparator (the first `wanted` of the union are among those). Only
 * when both walk; otherwise undefined and the caller goes on as before.
 */
function bothDeletedStates(
  source: RowSource,
  schema: Schema,
  query: Query,
  skip: number,
  wanted: number,
): Doc[] | undefined {
  if (query.index || query.selector === undefined || '_deleted' in query.selector) return undefined;
  const parts: Doc[][] = [];
  for (const deleted of [false, true]) {
    const sub = {
      ...query,
      selector: { ...query.selector, _deleted: { $eq: deleted } },
      skip: 0,
      limit: wanted === Infinity ? undefined : wanted,
    };
    const prepared = prepareQuery(schema as never, sub as never);
    // Inclusive bounds only: cut to an index part (multipleOf), `$gt 2.125` would skip 2.13,
    // which the full read this replaces returns; an inclusive range is always a superset.
    const plan = prepared.queryPlan;
    if (plan.sortSatisfiedByIndex || !plan.inclusiveStart || !plan.inclusiveEnd) return undefined;
    const choice = walkableIndex(schema, sub as Query, plan);
    if (!choice || !choice.plan.inclusiveStart || !choice.plan.inclusiveEnd) return undefined;
    const ordered = source.ordered(rangeOfPlan(choice.plan), choice.walk.descending, undefined, {
      firstRows: wanted + 1,
      byPrimaryKey: choice.walk.byPrimaryKey,
    });
    if (!ordered?.regular) return undefined;
    // Always RxDB's matcher: the index range may hold more than the selector (see above).
    const matches = matcherOf(schema, sub as Query);
    const compare = comparatorOf(schema, sub as Query);
    const docs = walked(() => grouped(ordered, choice.walk.runKey, compare, matches, 0, wanted));
    if (!docs) return undefined;
    parts.push(docs);
  }
  queryRunnerStats.walks++;
  return parts.flat().sort(comparatorOf(schema, query)).slice(skip, wanted);
}

/** A walk's result, or undefined when a row turned out not to order like RxDB's index. */
function walked(walk: () => Doc[]): Doc[] | undefined {
  try {
    return walk();
  } catch (error) {
    if (error instanceof NotWalkable) return undefined;
    throw error;
  }
}

type Walk = { descending: boolean; runKey: (doc: Doc) => string; byPrimaryKey: boolean };

/**
 * An index that serves a descending or mixed sort by a walk. RxDB's planner never rates one
 * (it calls no index sort-satisfying for 'desc'), so it may have picked any index: take its
 * choice if that walks, else an index that walks and answers the whole selector (RxDB's own
 * planner computes that index's range), else none. A forced `index` is kept as given.
 */
function walkableIndex(
  schema: Schema,
  query: Query,
  plan: RxQueryPlan,
): { walk: Walk; plan: RxQueryPlan } | undefined {
  const own = indexWalk(schema, query, plan.index);
  if (own) return { walk: own, plan };
  if (query.index) return undefined;
  for (const index of schema.indexes ?? []) {
    const fields = typeof index === 'string' ? [index] : [...index];
    const walk = indexWalk(schema, query, fields);
    if (!walk) continue;
    const candidate = getQueryPlan(schema as never, { ...query, index: fields } as never);
    if (candidate.selectorSatisfiedByIndex) return { walk, plan: candidate };
  }
  return undefined;
}

/**
 * Whether the index serves this sort walked in one direction: less the fields the selector
 * fixes with $eq (as RxDB's planner counts them), the sort's first field must be the index's
 * first. The fields after it need not match: every run of rows sharing the first field's part
 * is sorted with RxDB's comparator, so a sort by ticket then id walks [ticketId, checkedInAt]
 * (runs of one ticket's few check-ins) instead of reading the whole table.
 */
function indexWalk(schema: Schema, query: Query, index: readonly string[]): Walk | undefined {
  const fixed = fixedFields(schema, query);
  const all = query.sort.map((part) => Object.entries(part)[0]!);
  const sort = all.filter(([field]) => !fixed.has(field));
  const indexFields = index.filter((field) => !fixed.has(field));
  if (sort.length === 0 || sort[0]![0] !== indexFields[0]) return undefined;
  // Runs share the index part of the sort's first field, pinned or not: a pinned field's part
  // is one value over the range, but the values behind it may differ (1.004 and 1.005 with
  // multipleOf 0.01, '' and a missing string), and the comparator sorts those first.
  const [meta] = getIndexMeta(schema as never, [all[0]![0]]);
  const part = meta!.getIndexStringPart as (doc: Doc) => string;
  // A sort that leads with the primary key has one document per run: the walk's SQL order
  // must then hold the id (format-3 indexes end before it; see collection-table.ts).
  const byPrimaryKey = sort[0]![0] === getPrimaryFieldOfPrimaryKey(schema.primaryKey as never);
  return { descending: sort[0]![1] === 'desc', runKey: part, byPrimaryKey };
}

/** Fields the selector pins to one value (RxDB's planner: "sort irrelevant"). */
function fixedFields(schema: Schema, query: Query): Set<string> {
  const fixed = new Set<string>();
  for (const [field, matcher] of Object.entries(query.selector ?? {})) {
    const part = getSchemaByObjectPath(schema as never, field);
    if (!part || matcher === null || typeof matcher !== 'object' || !('$eq' in matcher)) continue;
    const value = (matcher as { $eq: unknown }).$eq;
    if (part.type === 'boolean' || part.enum) fixed.add(field);
    else if (
      (part.type === 'string' || part.type === 'number' || part.type === 'integer') &&
      (typeof value === 'string' || typeof value === 'number')
    ) {
      fixed.add(field);
    }
  }
  return fixed;
}

function grouped(
  ordered: OrderedRows,
  runKey: (doc: Doc) => string,
  compare: Compare,
  matches: ((doc: never) => boolean) | undefined,
  skip: number,
  wanted: number,
): Doc[] {
  const out: Doc[] = [];
  let run: Doc[] = [];
  let runPart: string | undefined;
  const flush = () => {
    if (run.length > 1) run.sort(compare);
    for (const doc of run) out.push(doc);
    run = [];
  };
  for (const doc of ordered.rows) {
    if (matches && !matches(doc as never)) continue;
    const part = runKey(doc);
    if (part !== runPart) {
      flush();
      if (out.length >= wanted) break;
      runPart = part;
    }
    run.push(doc);
  }
  flush();
  return out.slice(skip, wanted);
}
