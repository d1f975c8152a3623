/**
 * Reads plain document data straight from a collection's storage, skipping RxDocument
 * construction and the query cache: the activity model and the list pages only need the fields,
 * and a million-row table must not be cached. Mirrors what RxQuery does before it asks the
 * storage (`_deleted` false, `_deleted` first in a forced index).
 */
import {
  normalizeMangoQuery,
  prepareQuery,
  type MangoQuery,
  type PreparedQuery,
  type RxCollection,
  type RxDocumentData,
} from 'rxdb';

/**
 * Prepared queries by collection and query text. Preparing runs RxDB's query planner over every
 * index (about 0.1 ms, a fifth of a first page at a million rows), and the app asks the same
 * few queries again and again (a live list re-reads its page on every change), as RxQuery
 * keeps its own prepared query. Bounded: a query with a changing value (a time range) must not
 * grow it.
 */
const PREPARED_MAX = 256;
const preparedCache = new WeakMap<object, Map<string, PreparedQuery<unknown>>>();

function prepared<T>(collection: RxCollection<T>, query: MangoQuery<T>): PreparedQuery<T> {
  const key = cacheKey(query);
  let cache = preparedCache.get(collection);
  const hit = key === undefined ? undefined : cache?.get(key);
  if (hit) {
    // Most recently used last: the first entry is the one to drop.
    cache!.delete(key!);
    cache!.set(key!, hit);
    return hit as PreparedQuery<T>;
  }
  const result = prepare(collection, query);
  if (key !== undefined) {
    if (!cache) preparedCache.set(collection, (cache = new Map()));
    if (cache.size >= PREPARED_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, result as PreparedQuery<unknown>);
  }
  return result;
}

function prepare<T>(collection: RxCollection<T>, query: MangoQuery<T>): PreparedQuery<T> {
  const schema = collection.schema.jsonSchema;
  const normalized = normalizeMangoQuery<T>(schema, query);
  (normalized.selector as Record<string, unknown>)['_deleted'] = { $eq: false };
  if (normalized.index) normalized.index.unshift('_deleted');
  return prepareQuery<T>(schema, normalized);
}

/**
 * The query as text, or undefined when text would not tell two queries apart (a RegExp, a
 * Date, undefined, a non-finite number: JSON drops or changes them): those are never cached.
 */
export function cacheKey(query: unknown): string | undefined {
  return plainJson(query, 0) ? JSON.stringify(query) : undefined;
}

function plainJson(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) return value.every((item) => plainJson(item, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((item) => plainJson(item, depth + 1));
}

export async function queryRaw<T>(
  collection: RxCollection<T>,
  query: MangoQuery<T>,
): Promise<RxDocumentData<T>[]> {
  const result = await collection.storageInstance.query(prepared(collection, query));
  return result.documents;
}

export async function countRaw<T>(
  collection: RxCollection<T>,
  query: MangoQuery<T>,
): Promise<number> {
  const { limit: _l, skip: _s, ...rest } = query;
  const result = await collection.storageInstance.count(prepared(collection, rest));
  return result.count;
}

/**
 * A page of a newest-first list, in (field, primary key) descending order. Near the newest end
 * it is a descending query (our SQLite storage walks the index backwards: O(log N + offset +
 * limit)); past the middle it is an ascending walk from the other end, reversed, which skips
 * in SQL (O(log N + total − offset)). `total` comes from a count.
 */
export async function newestFirstPage<T>(
  collection: RxCollection<T>,
  query: MangoQuery<T> & { sort: [Record<string, 'asc' | 'desc'>] },
  offset: number,
  limit: number,
  /** The count when the caller already knows it (it saves a count over the whole range). */
  knownTotal?: number,
): Promise<{ total: number; docs: RxDocumentData<T>[] }> {
  const total = knownTotal ?? (await countRaw(collection, query));
  const take = Math.max(0, Math.min(limit, total - offset));
  if (take === 0) return { total, docs: [] };
  const [field] = Object.keys(query.sort[0]);
  const primary = collection.schema.primaryPath as string;
  const fromEnd = total - offset - take;
  if (offset <= fromEnd) {
    const sort = [{ [field as string]: 'desc' }];
    if (field !== primary) sort.push({ [primary]: 'desc' });
    const desc = { ...query, sort, skip: offset, limit: take } as MangoQuery<T>;
    return { total, docs: await queryRaw(collection, desc) };
  }
  const asc = { ...query, sort: [{ [field as string]: 'asc' }] } as MangoQuery<T>;
  const docs = await queryRaw(collection, { ...asc, skip: fromEnd, limit: take });
  return { total, docs: docs.reverse() };
}
