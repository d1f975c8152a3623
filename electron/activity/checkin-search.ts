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
 * Rows carry this laptop's facts (arrival, received time, re-entry flag: `LocalCheckIns`);
 * "re-entries only" without text walks the local re-entry index, since the flag is not in the
 * document.
 */
import type { MangoQuery, MangoQuerySelector } from 'rxdb';
import type { z } from 'zod';
import { ServiceError } from '../../shared/api/define';
import type {
  CheckInDetail,
  CheckInRow,
  CheckinSort,
  CheckinsPage,
  checkinsSearchRequestSchema,
} from '../../shared/api/channels/checkins';
import { checkInDetails, dedupeKey } from '../../shared/contract';
import {
  checkInRow,
  countRaw,
  localCheckIns,
  newestFirstPage,
  queryRaw,
  rowsByIds,
  rowsOfDocs,
  type CheckInDoc,
  type GateOpsDatabase,
  type LocalCheckIns,
} from '../db';
import { SortedIdCache } from './sorted-ids';
import { TextSearch } from './text-search';

export { SORT_IN_MEMORY_MAX } from './sorted-ids';
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
  return s as MangoQuerySelector<CheckInDoc>;
}

/** Values re-entry rows are sorted by (the same as the indexes and SortedIdCache use). */
const ROW_VALUE: Record<CheckinSort, (r: CheckInRow) => string | number> = {
  time: (r) => r.checkedInAt,
  ticket: (r) => r.ticketId,
  name: (r) => (r.attendeeName ?? '').toLowerCase(),
  email: (r) => (r.attendeeEmail ?? '').toLowerCase(),
};

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
    /** Changes whenever something is stored: cached sort orders are valid until then. */
    private readonly version: () => number = () => 0,
    /**
     * A page came back with fewer rows than the count says are there, with no error from the
     * store (an index that no longer matches its table ends a walk early): the host checks the
     * file. The page is still answered with what was read.
     */
    private readonly onShortRead?: (what: string, detail: string) => void,
  ) {
    this.sorted = new SortedIdCache(db);
    this.text = new TextSearch(db, version);
  }

  private get local(): LocalCheckIns {
    return localCheckIns(this.db);
  }

  private page(
    req: CheckinsSearch,
    total: number,
    docs: ReadonlyArray<Readonly<CheckInDoc>>,
    sortedBy: CheckinSort,
  ): CheckinsPage {
    return {
      total,
      offset: req.offset,
      rows: rowsOfDocs(this.local, docs),
      capped: false,
      sortedBy,
    };
  }

  async search(req: CheckinsSearch): Promise<CheckinsPage> {
    const text = req.text.trim();
    if (req.reentryOnly && text === '') return this.reentries(req);
    return text === '' ? this.browse(req) : this.text.search(req, text);
  }

  private async browse(req: CheckinsSearch): Promise<CheckinsPage> {
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
        this.checkFull(req, total, docs.length);
        return this.page(req, total, docs, req.sort);
      }
      const [total, docs] = await Promise.all([
        known ?? countRaw(this.db.checkins, query),
        queryRaw(this.db.checkins, { ...query, skip: req.offset, limit: req.limit }),
      ]);
      this.checkFull(req, total, docs.length);
      return this.page(req, total, docs, req.sort);
    }
    return this.inMemory(req, { selector: filters(req), sort: [{ checkedInAt: 'asc' }] }, 'time');
  }

  /** A page is as long as the count leaves room for: anything shorter is worth a check. */
  private checkFull(req: CheckinsSearch, total: number, got: number): void {
    const due = Math.max(0, Math.min(req.limit, total - req.offset));
    if (got >= due || !this.onShortRead) return;
    this.onShortRead(
      'checkins:search',
      `read ${got.toLocaleString('en-US')} of the ${due.toLocaleString('en-US')} check-ins due ` +
        `at offset ${req.offset.toLocaleString('en-US')} (${total.toLocaleString('en-US')} stored)`,
    );
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
    return this.page(req, total, docs, fallback);
  }

  private async idPage(req: CheckinsSearch, ids: ReadonlyArray<string>, sortedBy: CheckinSort) {
    const slice = ids.slice(req.offset, req.offset + req.limit);
    const docs = slice.length
      ? await this.db.checkins.storageInstance.findDocumentsById([...slice], false)
      : [];
    const at = new Map(slice.map((id, i) => [id, i]));
    docs.sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
    return this.page(req, ids.length, docs, sortedBy);
  }

  /**
   * "Re-entries only": the flag is a local fact (not in the document) with a partial index of
   * its own. Unfiltered and newest first, a page is a walk of that index and primary-key reads;
   * with a filter or another order, the re-entry rows (a small part of the
   * check-ins) are read once, matched and sorted here.
   */
  private async reentries(req: CheckinsSearch): Promise<CheckinsPage> {
    const local = this.local;
    const narrowed =
      req.gate !== undefined || req.sessionId !== undefined || req.deviceId !== undefined;
    if (!narrowed && req.sort === 'time' && req.dir === 'desc') {
      const slice = local.reentriesNewestFirst(req.offset, req.limit);
      const found = await rowsByIds(
        this.db.checkins,
        local,
        slice.map((l) => l.id),
      );
      const rows = slice.map((l) => found.get(l.id)).filter((r): r is CheckInRow => !!r);
      return {
        total: local.reentryCount(),
        offset: req.offset,
        rows,
        capped: false,
        sortedBy: 'time',
      };
    }
    const matches = (r: CheckInRow): boolean =>
      (req.gate === undefined || r.gate === req.gate) &&
      (req.sessionId === undefined || r.sessionId === req.sessionId) &&
      (req.deviceId === undefined || r.deviceId === req.deviceId);
    const all: CheckInRow[] = [];
    const READ = 2000;
    for (let offset = 0; ; offset += READ) {
      const slice = local.reentriesNewestFirst(offset, READ);
      const found = await rowsByIds(
        this.db.checkins,
        local,
        slice.map((l) => l.id),
      );
      for (const l of slice) {
        const row = found.get(l.id);
        if (row && matches(row)) all.push(row);
      }
      if (slice.length < READ) break;
    }
    const value = ROW_VALUE[req.sort];
    const sign = req.dir === 'asc' ? 1 : -1;
    all.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const c = typeof x === 'number' ? x - (y as number) : x.localeCompare(y as string);
      return sign * c || sign * (a.ingestSeq - b.ingestSeq);
    });
    return {
      total: all.length,
      offset: req.offset,
      rows: all.slice(req.offset, req.offset + req.limit),
      capped: false,
      sortedBy: req.sort,
    };
  }

  async get(id: string): Promise<CheckInDetail> {
    const [doc] = await queryRaw(this.db.checkins, { selector: { id }, limit: 1 });
    if (!doc) throw new ServiceError('not_found', `no check-in ${id}`);
    const same = await queryRaw(this.db.checkins, {
      selector: { ticketId: doc.ticketId },
      sort: [{ ticketId: 'asc' }, { checkedInAt: 'asc' }],
      limit: 50,
    });
    const facts = this.local.get([doc.id]).get(doc.id);
    if (!facts) throw new ServiceError('not_found', `no check-in ${id}`);
    const d = checkInDetails(doc.event);
    return {
      ...checkInRow(doc, facts),
      key: dedupeKey(doc.event) ?? '',
      source: d.source,
      ceId: d.ceId,
      ...(facts.relaySeq !== null ? { sequence: facts.relaySeq } : {}),
      raw: JSON.stringify(doc.event),
      sameTicket: rowsOfDocs(
        this.local,
        same.filter((other) => other.id !== doc.id),
      ).sort((a, b) => a.checkedInAt - b.checkedInAt),
    };
  }
}
