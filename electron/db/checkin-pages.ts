/**
 * Reads check-ins for a report in pages along an index, never all at once. Order is
 * (checkedInAt, id); every page continues from the last row of the previous one (keyset
 * paging), as two index range scans: the rest of the last row's millisecond
 * (`checkedInAt = t AND id > lastId`), then everything after it (`checkedInAt > t`). An
 * `$or` of the two would be one query but no query planner turns it into an index range.
 *
 * Queries go to the collection's storage instance directly: documents come back as plain data
 * without RxDocument wrappers or query caching, which a one-pass export does not need.
 */
import { normalizeMangoQuery, prepareQuery, type MangoQuery, type RxCollection } from 'rxdb';
import type { CheckInRow } from '../../shared/api/channels/checkins';
import { rowsInTimeOrder, rowsOfDocs } from './checkin-rows';
import type { CheckInDoc } from './collections/checkins';
import { localCheckIns } from './database';

export interface CheckInRange {
  readonly eventId?: string;
  readonly gate?: string;
  /** Inclusive, UTC ms. */
  readonly from?: number;
  /** Exclusive, UTC ms. */
  readonly to?: number;
}

export type CheckInsCollection = RxCollection<CheckInDoc>;
type Selector = Record<string, unknown>;

/** The index a range reads along: an equality filter first, then checkedInAt, then id. */
function indexFor(range: CheckInRange): string[] {
  if (range.eventId !== undefined) return ['eventId', 'checkedInAt', 'id'];
  if (range.gate !== undefined) return ['gate', 'checkedInAt', 'id'];
  return ['checkedInAt', 'id'];
}

function baseSelector(range: CheckInRange): Selector {
  const selector: Selector = {};
  if (range.eventId !== undefined) selector['eventId'] = { $eq: range.eventId };
  if (range.gate !== undefined) selector['gate'] = { $eq: range.gate };
  return selector;
}

function timeBounds(range: CheckInRange, after?: number): Record<string, number> | undefined {
  const bounds: Record<string, number> = {};
  if (after !== undefined) bounds['$gt'] = after;
  else if (range.from !== undefined) bounds['$gte'] = range.from;
  if (range.to !== undefined) bounds['$lt'] = range.to;
  return Object.keys(bounds).length > 0 ? bounds : undefined;
}

const BY_TIME: ReadonlyArray<Record<string, 'asc'>> = [{ checkedInAt: 'asc' }, { id: 'asc' }];

/** A query as RxQuery.getPreparedQuery() would prepare it: live documents, `_deleted`-led index. */
function prepare(
  collection: CheckInsCollection,
  selector: Selector,
  index: string[],
  options: { readonly sort?: ReadonlyArray<Record<string, 'asc'>>; readonly limit?: number } = {},
) {
  const schema = collection.schema.jsonSchema;
  const mango = { selector, index: [...index] } as MangoQuery<CheckInDoc>;
  if (options.sort) mango.sort = options.sort as MangoQuery<CheckInDoc>['sort'];
  if (options.limit !== undefined) mango.limit = options.limit;
  const normalized = normalizeMangoQuery(schema, mango, options.sort === undefined);
  (normalized.selector as Selector)['_deleted'] = { $eq: false };
  normalized.index?.unshift('_deleted');
  return prepareQuery(schema, normalized);
}

async function runQuery(
  collection: CheckInsCollection,
  selector: Selector,
  index: string[],
  limit: number,
): Promise<CheckInDoc[]> {
  const result = await collection.storageInstance.query(
    prepare(collection, selector, index, { sort: BY_TIME, limit }),
  );
  return result.documents as unknown as CheckInDoc[];
}

/** How many check-ins the range holds, counted by the storage without loading documents. */
export async function countCheckIns(
  collection: CheckInsCollection,
  range: CheckInRange,
): Promise<number> {
  const selector = baseSelector(range);
  const time = timeBounds(range);
  if (time) selector['checkedInAt'] = time;
  const result = await collection.storageInstance.count(
    prepare(collection, selector, indexFor(range)),
  );
  return result.count;
}

/**
 * Yields the check-ins of a range in (checkedInAt, id) order, `pageSize` at a time. Holds one
 * page in memory. Rows stored while it runs after the current position are included.
 */
export async function* readCheckInPages(
  collection: CheckInsCollection,
  range: CheckInRange,
  pageSize = 1000,
): AsyncGenerator<readonly CheckInRow[]> {
  // On our SQLite storage: the row columns in SQL along the index, no documents.
  let sqlPage = rowsInTimeOrder(collection, range, undefined, pageSize);
  if (sqlPage !== null) {
    while (sqlPage.rows.length > 0) {
      yield sqlPage.rows;
      if (sqlPage.rows.length < pageSize) return;
      sqlPage = rowsInTimeOrder(collection, range, sqlPage.last, pageSize)!;
    }
    return;
  }
  yield* readDocumentPages(collection, range, pageSize);
}

/** The same through the storage's queries (other storages: tests on RxDB's memory storage). */
async function* readDocumentPages(
  collection: CheckInsCollection,
  range: CheckInRange,
  pageSize: number,
): AsyncGenerator<readonly CheckInRow[]> {
  const local = localCheckIns(collection.database);
  const index = indexFor(range);
  let last: { readonly t: number; readonly id: string } | undefined;
  for (;;) {
    let page: CheckInDoc[] = [];
    if (last) {
      // The rest of the last row's millisecond.
      const ties = baseSelector(range);
      ties['checkedInAt'] = { $eq: last.t };
      ties['id'] = { $gt: last.id };
      page = await runQuery(collection, ties, index, pageSize);
    }
    if (page.length < pageSize) {
      const selector = baseSelector(range);
      const time = timeBounds(range, last?.t);
      if (time) selector['checkedInAt'] = time;
      const more = await runQuery(collection, selector, index, pageSize - page.length);
      page = page.length === 0 ? more : page.concat(more);
    }
    if (page.length === 0) return;
    const tail = page[page.length - 1]!;
    last = { t: tail.checkedInAt, id: tail.id };
    yield rowsOfDocs(local, page);
    if (page.length < pageSize) return;
  }
}

/**
 * Distinct values of an indexed field, by skipping from one value to the next along the index
 * (one short range query per value), so listing 40 gates over a million rows reads 40 rows.
 */
export async function distinctValues(
  collection: CheckInsCollection,
  field: 'eventId' | 'gate',
  max = 500,
): Promise<string[]> {
  const values: string[] = [];
  const index = [field, 'checkedInAt', 'id'];
  let after: string | undefined;
  while (values.length < max) {
    const selector: Selector = after === undefined ? {} : { [field]: { $gt: after } };
    const sort = [{ [field]: 'asc' as const }, ...BY_TIME];
    const result = await collection.storageInstance.query(
      prepare(collection, selector, index, { sort, limit: 1 }),
    );
    const doc = result.documents[0] as unknown as CheckInDoc | undefined;
    if (!doc) break;
    values.push(doc[field]);
    after = doc[field];
  }
  return values;
}
