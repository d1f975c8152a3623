/**
 * Finding check-ins by what a supervisor types: a surname, part of an e-mail, the end of a
 * ticket id. On our SQLite storage the `checkins` table has a full-text index (FTS5, trigram
 * tokenizer: any substring of 3+ characters, case- and accent-insensitive) kept by the storage in
 * the same transaction as every write (electron/storage/full-text.ts). Other storages (tests'
 * memory storage) get the same answers from a scan.
 *
 * Matching: the text is split at spaces; every term must occur, case- and accent-folded, inside
 * one of the searched fields (different terms may match different fields). Newest check-in
 * first.
 */
import type { RxDocumentData } from 'rxdb';
import { foldText, splitTerms, type FullTextResult, type FullTextState } from '../storage';
import type { CheckInDoc } from './collections/checkins';
import { CHECKIN_FULL_TEXT } from './collections/checkins-full-text';
import type { GateOpsDatabase } from './database';
import { queryRaw } from './raw-query';

export type CheckinSearchFilters = Readonly<{
  gate?: string;
  sessionId?: string;
  deviceId?: string;
  eventId?: string;
  /** Check-in time range, epoch ms, inclusive. */
  from?: number;
  to?: number;
}>;

export type CheckinSearchResult = Readonly<{
  /** The page, newest check-in first. */
  docs: RxDocumentData<CheckInDoc>[];
  /** Matches counted up to `countUpTo`; `capped` says the real number may be higher. */
  total: number;
  capped: boolean;
  /**
   * 'index': answered by the full-text index. 'scan': the text has no term of 3+ characters
   * (or the storage has no index): only the newest `scanUpTo` check-ins were looked at, and
   * `capped` is true when there were more.
   */
  mode: 'index' | 'scan';
  /**
   * 'complete'; 'filling': check-ins stored before the index existed are still being added to
   * it ('failed': that stopped); 'catching-up': `notIndexed` check-ins of a backlog just caught
   * up wait for the index and were not looked at (the newest waiting ones were checked one by
   * one and are in the result).
   */
  index: FullTextState;
  notIndexed: number;
}>;

export type CheckinSearchOptions = Readonly<{
  offset?: number;
  /** Count matches up to this many (default 1,000). */
  countUpTo?: number;
  /** Text without a 3-character term checks this many newest check-ins (default 20,000). */
  scanUpTo?: number;
}>;

export const MAX_SEARCH_LIMIT = 500;
const DEFAULT_COUNT = 1_000;
const DEFAULT_SCAN = 20_000;

type FullTextSearchable = {
  fullTextSearch(query: unknown): FullTextResult<CheckInDoc> | undefined;
  fullTextReady?: () => Promise<void>;
  originalStorageInstance?: unknown;
};

export async function searchCheckins(
  db: GateOpsDatabase,
  text: string,
  filters: CheckinSearchFilters = {},
  limit = 50,
  options: CheckinSearchOptions = {},
): Promise<CheckinSearchResult> {
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_SEARCH_LIMIT) {
    throw new RangeError(`search limit must be an integer from 0 to ${MAX_SEARCH_LIMIT}`);
  }
  const offset = options.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError('search offset must be a non-negative integer');
  }
  const countUpTo = options.countUpTo ?? DEFAULT_COUNT;
  const scanUpTo = options.scanUpTo ?? DEFAULT_SCAN;
  if (splitTerms(text).length === 0) {
    return { docs: [], total: 0, capped: false, mode: 'index', index: 'complete', notIndexed: 0 };
  }
  const instance = searchable(db.checkins.storageInstance);
  const where = whereOf(filters);
  if (instance) {
    const result = instance.fullTextSearch({
      text,
      where,
      limit,
      offset,
      countUpTo,
      scanUpTo,
    });
    if (result) return { ...result, docs: result.documents };
  }
  return scanSearch(db, text, filters, limit, offset, countUpTo, scanUpTo);
}

function whereOf(
  filters: CheckinSearchFilters,
): Record<string, string | { gte?: number; lte?: number }> {
  const where: Record<string, string | { gte?: number; lte?: number }> = {};
  if (filters.gate !== undefined) where['gate'] = filters.gate;
  if (filters.sessionId !== undefined) where['sessionId'] = filters.sessionId;
  if (filters.deviceId !== undefined) where['deviceId'] = filters.deviceId;
  if (filters.eventId !== undefined) where['eventId'] = filters.eventId;
  if (filters.from !== undefined || filters.to !== undefined) {
    where['checkedInAt'] = {
      ...(filters.from !== undefined ? { gte: filters.from } : {}),
      ...(filters.to !== undefined ? { lte: filters.to } : {}),
    };
  }
  return where;
}

/**
 * Resolves once every stored check-in is in the full-text index (a backlog's index rows are
 * added in the background after it; electron/storage/full-text-pending.ts). At once on a
 * storage without the index.
 */
export async function checkinsFullTextReady(db: GateOpsDatabase): Promise<void> {
  await searchable(db.checkins.storageInstance)?.fullTextReady?.();
}

/** Our storage's instance under RxDB's wrappers, if the collection is on it. */
function searchable(instance: unknown): FullTextSearchable | undefined {
  let current = instance as FullTextSearchable | undefined;
  for (let depth = 0; current && depth < 8; depth++) {
    if (typeof current.fullTextSearch === 'function') return current;
    current = current.originalStorageInstance as FullTextSearchable | undefined;
  }
  return undefined;
}

/** The same matching without an index: the newest `scanUpTo` check-ins, checked one by one. */
async function scanSearch(
  db: GateOpsDatabase,
  text: string,
  filters: CheckinSearchFilters,
  limit: number,
  offset: number,
  countUpTo: number,
  scanUpTo: number,
): Promise<CheckinSearchResult> {
  const selector: Record<string, unknown> = {};
  for (const key of ['gate', 'sessionId', 'deviceId', 'eventId'] as const) {
    if (filters[key] !== undefined) selector[key] = filters[key];
  }
  if (filters.from !== undefined || filters.to !== undefined) {
    selector['checkedInAt'] = {
      ...(filters.from !== undefined ? { $gte: filters.from } : {}),
      ...(filters.to !== undefined ? { $lte: filters.to } : {}),
    };
  }
  const newest = await queryRaw(db.checkins, {
    selector: selector as never,
    sort: [{ checkedInAt: 'desc' }],
    limit: scanUpTo + 1,
  });
  const terms = splitTerms(text).map(foldText);
  const docs: RxDocumentData<CheckInDoc>[] = [];
  let total = 0;
  for (const doc of newest.slice(0, scanUpTo)) {
    const fields = CHECKIN_FULL_TEXT.fields.map((field) => foldText(textAt(doc, field)));
    if (!terms.every((term) => fields.some((value) => value.includes(term)))) continue;
    total++;
    if (total > offset && docs.length < limit) docs.push(doc);
    if (total > countUpTo) break;
  }
  return {
    docs,
    total: Math.min(total, countUpTo),
    capped: total > countUpTo || newest.length > scanUpTo,
    mode: 'scan',
    index: 'complete',
    notIndexed: 0,
  };
}

/** A document's text at a dotted path, as the index stores it ('' when absent). */
function textAt(doc: unknown, path: string): string {
  const value = path
    .split('.')
    .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], doc);
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
