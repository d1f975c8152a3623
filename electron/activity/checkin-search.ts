/**
 * Check-in search and browsing: one page at a time through the database indexes. A text search
 * is a prefix range on `ticketId`, `nameLower` or `emailLower`; without text the list is newest
 * first on `checkedInAt` (or the compound gate/session/device index when filtered). "Any field"
 * lists ticket matches, then name matches, so paging stays an index walk for each part.
 */
import type { MangoQuery, MangoQuerySelector } from 'rxdb';
import { ServiceError } from '../../shared/api/define';
import type {
  CheckInDetail,
  CheckInRow,
  CheckinsPage,
  checkinsSearchRequestSchema,
} from '../../shared/api/channels/checkins';
import type { CheckInDoc, GateOpsDatabase } from '../db';
import { countRaw, newestFirstPage, queryRaw } from '../db/raw-query';
import type { z } from 'zod';

export type CheckinsSearch = z.output<typeof checkinsSearchRequestSchema>;

type Field = 'ticketId' | 'nameLower' | 'emailLower';

export function toRow(d: Readonly<CheckInDoc>): CheckInRow {
  return {
    id: d.id,
    ingestSeq: d.ingestSeq,
    ticketId: d.ticketId,
    checkInId: d.checkInId,
    ...(d.attendeeName !== undefined ? { attendeeName: d.attendeeName } : {}),
    ...(d.attendeeEmail !== undefined ? { attendeeEmail: d.attendeeEmail } : {}),
    gate: d.gate,
    deviceId: d.deviceId,
    sessionId: d.sessionId,
    productId: d.productId,
    eventId: d.eventId,
    checkedInAt: d.checkedInAt,
    receivedAt: d.receivedAt,
    reentry: d.reentry,
  };
}

function filters(req: CheckinsSearch): MangoQuerySelector<CheckInDoc> {
  const s: Record<string, unknown> = {};
  if (req.gate !== undefined) s['gate'] = req.gate;
  if (req.sessionId !== undefined) s['sessionId'] = req.sessionId;
  if (req.deviceId !== undefined) s['deviceId'] = req.deviceId;
  if (req.reentryOnly) s['reentry'] = true;
  return s as MangoQuerySelector<CheckInDoc>;
}

function prefixQuery(req: CheckinsSearch, field: Field, text: string): MangoQuery<CheckInDoc> {
  const value = field === 'ticketId' ? text : text.toLowerCase();
  return {
    selector: { ...filters(req), [field]: { $gte: value, $lt: `${value}\uffff` } },
    sort: [{ [field]: 'asc' } as never],
  };
}

function listQuery(req: CheckinsSearch): MangoQuery<CheckInDoc> {
  return { selector: filters(req), sort: [{ checkedInAt: 'desc' }] };
}

export class CheckinSearch {
  /**
   * `storedCount`, when given, is the number of stored check-ins (the activity model keeps it):
   * the unfiltered list then skips a count over a million rows on every refresh.
   */
  constructor(
    private readonly db: GateOpsDatabase,
    private readonly storedCount?: () => number,
    /** Ids of every re-entry in ingest order (the activity model keeps them). */
    private readonly reentryIds?: () => ReadonlyArray<string>,
  ) {}

  async search(req: CheckinsSearch): Promise<CheckinsPage> {
    const text = req.text.trim();
    const narrowed =
      req.gate !== undefined || req.sessionId !== undefined || req.deviceId !== undefined;
    if (text === '' && req.reentryOnly && !narrowed && this.reentryIds) {
      return this.reentryPage(this.reentryIds(), req.offset, req.limit);
    }
    if (text === '') {
      const { total, docs } = await newestFirstPage(
        this.db.checkins,
        listQuery(req) as MangoQuery<CheckInDoc> & { sort: [Record<string, 'asc' | 'desc'>] },
        req.offset,
        req.limit,
        Object.keys(filters(req)).length === 0 ? this.storedCount?.() : undefined,
      );
      return { total, offset: req.offset, rows: docs.map(toRow), capped: false };
    }
    if (req.field !== 'any') {
      const field: Field =
        req.field === 'ticket' ? 'ticketId' : req.field === 'name' ? 'nameLower' : 'emailLower';
      return this.page(prefixQuery(req, field, text), req.offset, req.limit);
    }
    // Any field: an address can only be an e-mail; otherwise ticket matches, then name matches.
    const parts: Field[] = text.includes('@') ? ['emailLower'] : ['ticketId', 'nameLower'];
    const queries = parts.map((f) => prefixQuery(req, f, text));
    const counts = await Promise.all(queries.map((q) => countRaw(this.db.checkins, q)));
    const total = counts.reduce((a, b) => a + b, 0);
    const rows: CheckInRow[] = [];
    let skip = req.offset;
    for (let i = 0; i < queries.length && rows.length < req.limit; i++) {
      const count = counts[i] ?? 0;
      if (skip >= count) {
        skip -= count;
        continue;
      }
      const docs = await queryRaw(this.db.checkins, {
        ...queries[i]!,
        skip,
        limit: req.limit - rows.length,
      });
      rows.push(...docs.map(toRow));
      skip = 0;
    }
    return { total, offset: req.offset, rows, capped: false };
  }

  /**
   * "Re-entries only" over the whole store: primary-key reads of the newest ids instead of a
   * scan of a million rows for an unindexed flag. Newest by arrival, then by check-in time.
   */
  private async reentryPage(
    ids: ReadonlyArray<string>,
    offset: number,
    limit: number,
  ): Promise<CheckinsPage> {
    const end = Math.max(0, ids.length - offset);
    const slice = ids.slice(Math.max(0, end - limit), end);
    // By primary key, one lookup each: a `$in` query would range over every id in between.
    const docs = slice.length
      ? await this.db.checkins.storageInstance.findDocumentsById([...slice], false)
      : [];
    docs.sort((a, b) => b.checkedInAt - a.checkedInAt || b.ingestSeq - a.ingestSeq);
    return { total: ids.length, offset, rows: docs.map(toRow), capped: false };
  }

  private async page(
    query: MangoQuery<CheckInDoc>,
    offset: number,
    limit: number,
  ): Promise<CheckinsPage> {
    const [total, docs] = await Promise.all([
      countRaw(this.db.checkins, query),
      queryRaw(this.db.checkins, { ...query, skip: offset, limit }),
    ]);
    return { total, offset, rows: docs.map(toRow), capped: false };
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
