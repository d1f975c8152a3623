/**
 * Text search of check-ins on the full-text index (electron/db `searchCheckins`). The plain
 * case — any field, newest first — is one index page per request. Limited to one field, to
 * re-entries, or sorted by another column, up to SEARCH_SORT_MAX matches are collected once
 * (cached until something new is stored), then filtered, sorted and paged from memory; more
 * matches than that are cut there and the page says so (`capped`).
 */
import type { z } from 'zod';
import {
  SEARCH_SCAN_NEWEST,
  type CheckinSort,
  type CheckinsPage,
  type checkinsSearchRequestSchema,
} from '../../shared/api/channels/checkins';
import { checkInDetails } from '../../shared/contract';
import {
  localCheckIns,
  MAX_SEARCH_LIMIT,
  rowsOfDocs,
  searchCheckins,
  type CheckInDoc,
  type CheckinSearchFilters,
  type CheckinSearchResult,
  type GateOpsDatabase,
} from '../db';
import { sortEntries } from './sorted-ids';

type Request = z.output<typeof checkinsSearchRequestSchema>;

/** Matches a limited or re-sorted search works on; more are cut (and said to be). */
export const SEARCH_SORT_MAX = 5_000;
const CACHED = 4;

/** Folded the way the index folds: no accents, lower case. */
const fold = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const FIELD_TEXT: Record<Exclude<Request['field'], 'any'>, (d: CheckInDoc) => string> = {
  ticket: (d) => d.ticketId,
  name: (d) => checkInDetails(d.event).attendeeName ?? '',
  email: (d) => checkInDetails(d.event).attendeeEmail ?? '',
};

const SORT_VALUE: Record<CheckinSort, (d: CheckInDoc) => string | number> = {
  time: (d) => d.checkedInAt,
  ticket: (d) => d.ticketId,
  name: (d) => d.nameLower,
  email: (d) => d.emailLower,
};

interface Collected {
  readonly ids: string[];
  readonly capped: boolean;
  readonly coverage: NonNullable<CheckinsPage['coverage']>;
  readonly notIndexed: number;
}

function coverageOf(r: CheckinSearchResult): NonNullable<CheckinsPage['coverage']> {
  if (r.index === 'filling') return 'indexing';
  if (r.index === 'failed') return 'index-failed';
  if (r.index === 'catching-up') return 'catching-up';
  // A scan is cut at its budget (or at the count): only then were older check-ins skipped.
  return r.mode === 'scan' && r.capped ? 'newest' : 'all';
}

export class TextSearch {
  private readonly cache = new Map<string, Collected>();

  constructor(
    private readonly db: GateOpsDatabase,
    /** Changes whenever something is stored. */
    private readonly version: () => number,
  ) {}

  async search(req: Request, text: string): Promise<CheckinsPage> {
    const filters: CheckinSearchFilters = {
      ...(req.gate !== undefined ? { gate: req.gate } : {}),
      ...(req.sessionId !== undefined ? { sessionId: req.sessionId } : {}),
      ...(req.deviceId !== undefined ? { deviceId: req.deviceId } : {}),
    };
    if (req.field === 'any' && !req.reentryOnly && req.sort === 'time' && req.dir === 'desc') {
      const limit = Math.min(req.limit, MAX_SEARCH_LIMIT);
      const r = await searchCheckins(this.db, text, filters, limit, {
        offset: req.offset,
        // Pages past the count would come back empty when short words are checked one by one.
        countUpTo: Math.max(1_000, req.offset + limit),
        scanUpTo: SEARCH_SCAN_NEWEST,
      });
      return {
        total: r.total,
        offset: req.offset,
        rows: rowsOfDocs(localCheckIns(this.db), r.docs),
        capped: r.capped,
        sortedBy: 'time',
        coverage: coverageOf(r),
        ...(r.notIndexed > 0 ? { notIndexed: r.notIndexed } : {}),
      };
    }
    const found = await this.collect(req, text, filters);
    const slice = found.ids.slice(req.offset, req.offset + req.limit);
    const docs = slice.length
      ? await this.db.checkins.storageInstance.findDocumentsById(slice, false)
      : [];
    const at = new Map(slice.map((id, i) => [id, i]));
    docs.sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
    return {
      total: found.ids.length,
      offset: req.offset,
      rows: rowsOfDocs(localCheckIns(this.db), docs),
      capped: found.capped,
      sortedBy: req.sort,
      coverage: found.coverage,
      ...(found.notIndexed > 0 ? { notIndexed: found.notIndexed } : {}),
    };
  }

  private async collect(
    req: Request,
    text: string,
    filters: CheckinSearchFilters,
  ): Promise<Collected> {
    const key = JSON.stringify([text, filters, req.field, req.reentryOnly, req.sort, req.dir]);
    const version = this.version();
    const hit = this.cache.get(`${version}|${key}`);
    if (hit) return hit;
    const words = text
      .split(/\s+/)
      .filter((w) => w !== '')
      .map(fold);
    const field = req.field === 'any' ? null : FIELD_TEXT[req.field];
    // Arrival order and the re-entry flag are this laptop's facts, not the document's.
    const local = localCheckIns(this.db);
    let facts = local.get([]);
    const keep = (d: CheckInDoc): boolean => {
      if (req.reentryOnly && !facts.get(d.id)?.reentry) return false;
      if (!field) return true;
      const value = fold(field(d));
      return words.every((w) => value.includes(w));
    };
    const entries: Array<[string, string | number, number]> = [];
    let capped = false;
    let coverage: Collected['coverage'] = 'all';
    let notIndexed = 0;
    for (let offset = 0; ; offset += MAX_SEARCH_LIMIT) {
      const r = await searchCheckins(this.db, text, filters, MAX_SEARCH_LIMIT, {
        offset,
        countUpTo: offset + MAX_SEARCH_LIMIT,
        scanUpTo: SEARCH_SCAN_NEWEST,
      });
      coverage = coverageOf(r);
      notIndexed = Math.max(notIndexed, r.notIndexed);
      facts = local.get(r.docs.map((d) => d.id));
      for (const d of r.docs) {
        if (keep(d)) entries.push([d.id, SORT_VALUE[req.sort](d), facts.get(d.id)?.seq ?? 0]);
      }
      if (r.docs.length < MAX_SEARCH_LIMIT) break;
      if (offset + MAX_SEARCH_LIMIT >= SEARCH_SORT_MAX) {
        capped = true;
        break;
      }
    }
    const found: Collected = {
      ids: sortEntries(entries, req.dir),
      capped,
      coverage,
      notIndexed,
    };
    this.cache.set(`${version}|${key}`, found);
    while (this.cache.size > CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return found;
  }
}
