/**
 * Orders of check-in lists no index serves (a gate's check-ins by ticket, a search by time):
 * the ids of up to SORT_IN_MEMORY_MAX matching rows, read once with only their sort value kept,
 * sorted, and cached until something new is stored. Pages are then primary-key lookups.
 */
import type { MangoQuery } from 'rxdb';
import type { CheckinSort } from '../../shared/api/channels/checkins';
import { type CheckInDoc, type GateOpsDatabase, countRaw, queryRaw } from '../db';

/** Lists longer than this keep their index order (reading them all would stall the process). */
export const SORT_IN_MEMORY_MAX = 20_000;
const READ_PAGE = 5000;
const CACHED = 4;

type Value = string | number;

const valueOf: Record<CheckinSort, (d: Readonly<CheckInDoc>) => Value> = {
  time: (d) => d.checkedInAt,
  ticket: (d) => d.ticketId,
  name: (d) => d.nameLower,
  email: (d) => d.emailLower,
};

/** [id, sort value, ingest seq] in `dir` order (ties by arrival). */
export function sortEntries(
  entries: Array<[string, Value, number]>,
  dir: 'asc' | 'desc',
): string[] {
  const sign = dir === 'asc' ? 1 : -1;
  entries.sort(
    ([, a, sa], [, b, sb]) =>
      sign *
        (typeof a === 'number' ? a - (b as number) : (a as string).localeCompare(b as string)) ||
      sign * (sa - sb),
  );
  return entries.map(([id]) => id);
}

export class SortedIdCache {
  private readonly cache = new Map<string, string[]>();

  constructor(private readonly db: GateOpsDatabase) {}

  private remember(key: string, ids: string[]): string[] {
    this.cache.delete(key);
    this.cache.set(key, ids);
    while (this.cache.size > CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return ids;
  }

  /** The matching ids of one or more queries (deduplicated) in order; null when too many. */
  async ids(
    queries: ReadonlyArray<MangoQuery<CheckInDoc>>,
    sort: CheckinSort,
    dir: 'asc' | 'desc',
    version: number,
  ): Promise<string[] | null> {
    const key = JSON.stringify([queries, sort, dir, version]);
    const hit = this.cache.get(key);
    if (hit) return this.remember(key, hit);
    const counts = await Promise.all(queries.map((q) => countRaw(this.db.checkins, q)));
    if (counts.reduce((a, b) => a + b, 0) > SORT_IN_MEMORY_MAX) return null;
    const entries = new Map<string, [string, Value, number]>();
    for (const q of queries) {
      for (let skip = 0; ; skip += READ_PAGE) {
        const docs = await queryRaw(this.db.checkins, { ...q, skip, limit: READ_PAGE });
        for (const d of docs) entries.set(d.id, [d.id, valueOf[sort](d), d.checkedInAt]);
        if (docs.length < READ_PAGE) break;
      }
    }
    return this.remember(key, sortEntries([...entries.values()], dir));
  }

  /** Given ids (at most SORT_IN_MEMORY_MAX) in order. */
  async idsOf(
    ids: ReadonlyArray<string>,
    sort: CheckinSort,
    dir: 'asc' | 'desc',
    version: number,
  ): Promise<string[]> {
    const key = JSON.stringify(['ids', ids.length, ids[ids.length - 1], sort, dir, version]);
    const hit = this.cache.get(key);
    if (hit) return this.remember(key, hit);
    const entries: Array<[string, Value, number]> = [];
    for (let i = 0; i < ids.length; i += READ_PAGE) {
      const docs = await this.db.checkins.storageInstance.findDocumentsById(
        ids.slice(i, i + READ_PAGE),
        false,
      );
      for (const d of docs) entries.push([d.id, valueOf[sort](d), d.checkedInAt]);
    }
    return this.remember(key, sortEntries(entries, dir));
  }
}
