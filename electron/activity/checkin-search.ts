/**
 * Check-in search and browsing: one page at a time through the database indexes. A text search
 * goes to the full-text index (electron/db `searchCheckins`: substring, case- and
 * accent-insensitive, over name, e-mail, ticket, check-in, session and device ids), newest
 * first; a search limited to one field, to re-entries or sorted another way collects up to
 * SEARCH_SORT_MAX matches once (cached until something new is stored) and pages those.
 * Without text the list walks `checkedInAt` (or the compound gate/session/device index when
 * filtered), either way round. Sorting by ticket, name or e-mail walks that index when nothing
 * else narrows the list; a narrowed list of up to SORT_IN_MEMORY_MAX rows is sorted in memory
 * once (the order is cached until something new is stored); a bigger one stays in time order and
 * says so (`sortedBy`).
 */
import type { MangoQuery, MangoQuerySelector } from 'rxdb';
import type { z } from 'zod';
import { ServiceError } from '../../shared/api/define';
import type {
  CheckInDetail,
  CheckinSort,
  CheckinsPage,
  checkinsSearchRequestSchema,
} from '../../shared/api/channels/checkins';
import { type CheckInDoc, type GateOpsDatabase, countRaw, newestFirstPage, queryRaw } from '../db';
import { SortedIdCache, SORT_IN_MEMORY_MAX } from './sorted-ids';
import { toRow } from './checkin-row';
import { TextSearch } from './text-search';

export { SORT_IN_MEMORY_MAX } from './sorted-ids';
export { toRow } from './checkin-row';
export type CheckinsSearch = z.output<typeof checkinsSearchRequestSchema>;

type Query = MangoQuery<CheckInDoc>;

const SORT_FIELD: Record<CheckinSort, keyof CheckInDoc> = {
  time: 'checkedInAt',
  ticket: 'ticketId',
  name: 'nameLower',
  email: 'emailLower',
};

function filters(req: CheckinsSearch): MangoQuerySelector<CheckInDoc> {
  const s: Record<string, unknown> = {};
  if (req.gate !== undefined) s['gate'] = req.gate;
  if (req.sessionId !== undefined) s['sessionId'] = req.sessionId;
  if (req.deviceId !== undefined) s['deviceId'] = req.deviceId;
  if (req.reentryOnly) s['reentry'] = true;
  return s as MangoQuerySelector<CheckInDoc>;
}

const page = (
  req: CheckinsSearch,
  total: number,
  docs: ReadonlyArray<Readonly<CheckInDoc>>,
  sortedBy: CheckinSort,
): CheckinsPage => ({ total, offset: req.offset, rows: docs.map(toRow), capped: false, sortedBy });

export class CheckinSearch {
  private readonly sorted: SortedIdCache;
  private readonly text: TextSearch;

  /**
   * `storedCount`, when given, is the number of stored check-ins (the activity model keeps it):
   * the unfiltered list then skips a count over a million rows on every refresh.
   */
  constructor(
    private readonly db: GateOpsDatabase,
    private readonly storedCount?: () => number,
    /** Ids of every re-entry in ingest order (the activity model keeps them). */
    private readonly reentryIds?: () => ReadonlyArray<string>,
    /** Changes whenever something is stored: cached sort orders are valid until then. */
    private readonly version: () => number = () => 0,
  ) {
    this.sorted = new SortedIdCache(db);
    this.text = new TextSearch(db, version, reentryIds);
  }

  async search(req: CheckinsSearch): Promise<CheckinsPage> {
    const text = req.text.trim();
    return text === '' ? this.browse(req) : this.text.search(req, text);
  }

  private async browse(req: CheckinsSearch): Promise<CheckinsPage> {
    const narrowed =
      req.gate !== undefined || req.sessionId !== undefined || req.deviceId !== undefined;
    if (req.reentryOnly && !narrowed && this.reentryIds) {
      return this.reentryPage(req, this.reentryIds());
    }
    const unfiltered = Object.keys(filters(req)).length === 0;
    // Time always has an index (alone, or after gate/session/device); the rest only alone.
    if (req.sort === 'time' || unfiltered) {
      const field = SORT_FIELD[req.sort];
      const query = { selector: filters(req), sort: [{ [field]: req.dir }] } as Query & {
        sort: [Record<string, 'asc' | 'desc'>];
      };
      const known = unfiltered ? this.storedCount?.() : undefined;
      if (req.dir === 'desc') {
        const { total, docs } = await newestFirstPage(
          this.db.checkins,
          query,
          req.offset,
          req.limit,
          known,
        );
        return page(req, total, docs, req.sort);
      }
      const [total, docs] = await Promise.all([
        known ?? countRaw(this.db.checkins, query),
        queryRaw(this.db.checkins, { ...query, skip: req.offset, limit: req.limit }),
      ]);
      return page(req, total, docs, req.sort);
    }
    return this.inMemory(req, { selector: filters(req), sort: [{ checkedInAt: 'asc' }] }, 'time');
  }

  private async inMemory(req: CheckinsSearch, query: Query, fallback: CheckinSort) {
    const sorted = await this.sorted.ids([query], req.sort, req.dir, this.version());
    if (sorted) return this.idPage(req, sorted, req.sort);
    // Too many to sort here: newest first, and the view says the order it got.
    const { total, docs } = await newestFirstPage(
      this.db.checkins,
      { ...query, sort: [{ checkedInAt: 'desc' }] } as Query & {
        sort: [Record<string, 'asc' | 'desc'>];
      },
      req.offset,
      req.limit,
    );
    return page(req, total, docs, fallback);
  }

  private async idPage(req: CheckinsSearch, ids: ReadonlyArray<string>, sortedBy: CheckinSort) {
    const slice = ids.slice(req.offset, req.offset + req.limit);
    const docs = slice.length
      ? await this.db.checkins.storageInstance.findDocumentsById([...slice], false)
      : [];
    const at = new Map(slice.map((id, i) => [id, i]));
    docs.sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
    return page(req, ids.length, docs, sortedBy);
  }

  /**
   * "Re-entries only" over the whole store: primary-key reads of the newest ids instead of a
   * scan of a million rows for an unindexed flag. Newest by arrival, then by check-in time;
   * another sort is done in memory when there are not too many.
   */
  private async reentryPage(
    req: CheckinsSearch,
    ids: ReadonlyArray<string>,
  ): Promise<CheckinsPage> {
    if (!(req.sort === 'time' && req.dir === 'desc') && ids.length <= SORT_IN_MEMORY_MAX) {
      const sorted = await this.sorted.idsOf(ids, req.sort, req.dir, this.version());
      return this.idPage(req, sorted, req.sort);
    }
    const end = Math.max(0, ids.length - req.offset);
    const slice = ids.slice(Math.max(0, end - req.limit), end);
    // By primary key, one lookup each: a `$in` query would range over every id in between.
    const docs = slice.length
      ? await this.db.checkins.storageInstance.findDocumentsById([...slice], false)
      : [];
    docs.sort((a, b) => b.checkedInAt - a.checkedInAt || b.ingestSeq - a.ingestSeq);
    return page(req, ids.length, docs, 'time');
  }

  async get(id: string): Promise<CheckInDetail> {
    const [doc] = await queryRaw(this.db.checkins, { selector: { id }, limit: 1 });
    if (!doc) throw new ServiceError('not_found', `no check-in ${id}`);
    const same = await queryRaw(this.db.checkins, {
      selector: { ticketId: doc.ticketId },
      sort: [{ ticketId: 'asc' }],
      limit: 50,
    });
    return {
      ...toRow(doc),
      key: doc.key,
      source: doc.source,
      ceId: doc.ceId,
      ...(doc.sequence !== undefined ? { sequence: doc.sequence } : {}),
      occurredAt: doc.occurredAt,
      raw: doc.raw,
      sameTicket: same
        .filter((d) => d.id !== doc.id)
        .sort((a, b) => a.checkedInAt - b.checkedInAt)
        .map(toRow),
    };
  }
}
