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

function prepared<T>(collection: RxCollection<T>, query: MangoQuery<T>): PreparedQuery<T> {
  const schema = collection.schema.jsonSchema;
  const normalized = normalizeMangoQuery<T>(schema, query);
  (normalized.selector as Record<string, unknown>)['_deleted'] = { $eq: false };
  if (normalized.index) normalized.index.unshift('_deleted');
  return prepareQuery<T>(schema, normalized);
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
 * A page of a newest-first list, read as an ascending index walk from the other end: RxDB's
 * query planner only lets an index satisfy an ascending sort, and a descending one would sort
 * the whole matching set in memory (seconds at a million rows). `total` comes from a count.
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
  const asc = { ...query, sort: [{ [field as string]: 'asc' }] } as MangoQuery<T>;
  const docs = await queryRaw(collection, { ...asc, skip: total - offset - take, limit: take });
  return { total, docs: docs.reverse() };
}
