/**
 * Quarantine pages, newest first, optionally by reason code (the [code, ingestSeq] index), and
 * the conflicting redeliveries beside them.
 */
import type { MangoQuery } from 'rxdb';
import { ServiceError } from '../../shared/api/define';
import type {
  ConflictDetail,
  ConflictRow,
  QuarantineRow,
} from '../../shared/api/channels/quarantine';
import {
  type CheckInDoc,
  type ConflictDoc,
  type GateOpsDatabase,
  type LocalConflictRow,
  type QuarantineDoc,
  localConflicts,
  newestFirstPage,
  queryRaw,
  withStoreLock,
} from '../db';

const PREVIEW = 200;

function toRow(d: Readonly<QuarantineDoc>): QuarantineRow {
  return {
    id: d.id,
    ingestSeq: d.ingestSeq,
    receivedAt: d.receivedAt,
    code: d.code,
    reasons: d.reasons.map((r) => ({ code: r.code, path: r.path, message: r.message })),
    preview: d.text.slice(0, PREVIEW),
    size: d.size,
    truncated: d.truncated,
  };
}

export class QuarantineBrowser {
  constructor(private readonly db: GateOpsDatabase) {}

  async list(req: { code?: string | undefined; offset: number; limit: number }) {
    const query = {
      selector: req.code !== undefined ? { code: req.code } : {},
      sort: [{ ingestSeq: 'desc' }],
    } as MangoQuery<QuarantineDoc> & { sort: [Record<string, 'asc' | 'desc'>] };
    const { total, docs } = await newestFirstPage(this.db.quarantine, query, req.offset, req.limit);
    return { total, offset: req.offset, rows: docs.map(toRow) };
  }

  async get(id: string) {
    const [doc] = await queryRaw(this.db.quarantine, { selector: { id }, limit: 1 });
    if (!doc) throw new ServiceError('not_found', `no quarantined message ${id}`);
    return { ...toRow(doc), text: doc.text, ...(doc.key !== undefined ? { key: doc.key } : {}) };
  }
}

function dataOf(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  try {
    const data = (JSON.parse(text) as { data?: unknown }).data;
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const shown = (v: unknown): string =>
  v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);

/** The fields of `data` (one level into objects such as `attendee`) that differ. */
export function dataChanges(stored: string | undefined, incoming: string): string[] {
  const a = dataOf(stored);
  const b = dataOf(incoming);
  if (!a || !b) return [];
  const out: string[] = [];
  const walk = (x: Record<string, unknown>, y: Record<string, unknown>, prefix: string) => {
    for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      const u = x[k];
      const v = y[k];
      if (JSON.stringify(u) === JSON.stringify(v)) continue;
      if (!prefix && u && v && typeof u === 'object' && typeof v === 'object') {
        walk(u as Record<string, unknown>, v as Record<string, unknown>, `${k}.`);
      } else out.push(`${prefix}${k}: ${shown(u)} → ${shown(v)}`);
    }
  };
  walk(a, b, '');
  return out;
}

function conflictRow(
  d: Readonly<ConflictDoc>,
  facts: LocalConflictRow | undefined,
  stored?: Readonly<CheckInDoc>,
): ConflictRow {
  return {
    id: d.id,
    ingestSeq: facts?.seq ?? 0,
    receivedAt: facts?.receivedAt ?? 0,
    origin: facts?.origin ?? 'peer',
    key: d.key,
    checkinId: d.checkinId,
    preview: d.text.slice(0, PREVIEW),
    size: d.text.length,
    ticketId: stored?.ticketId ?? '',
    changes: dataChanges(stored ? JSON.stringify(stored.event) : undefined, d.text),
  };
}

/**
 * Conflicting redeliveries (a known key with other content), newest arrival here first, beside
 * quarantine: seen by this laptop's relay, pulled from another laptop, or this laptop's own
 * check-in that venue sync replaced with the hub's version.
 */
export class ConflictBrowser {
  constructor(private readonly db: GateOpsDatabase) {}

  async list(req: { offset: number; limit: number }) {
    const local = localConflicts(this.db);
    // One read of the facts (page and total) under the store lock: never between a batch's
    // writes and its commit.
    const { total, page } = await withStoreLock(this.db, () =>
      Promise.resolve({ total: local.count(), page: local.page(req.offset, req.limit) }),
    );
    const docs = await this.db.conflicts.storageInstance.findDocumentsById(
      page.map((f) => f.id),
      false,
    );
    const byId = new Map(docs.map((d) => [d.id, d]));
    const stored = await this.db.checkins.storageInstance.findDocumentsById(
      [...new Set(docs.map((d) => d.checkinId))],
      false,
    );
    const checkins = new Map(stored.map((c) => [c.id, c]));
    const rows: ConflictRow[] = [];
    for (const f of page) {
      const d = byId.get(f.id);
      if (d) rows.push(conflictRow(d, f, checkins.get(d.checkinId)));
    }
    return { total, offset: req.offset, rows };
  }

  async get(id: string): Promise<ConflictDetail> {
    const [doc] = await this.db.conflicts.storageInstance.findDocumentsById([id], false);
    if (!doc) throw new ServiceError('not_found', `no conflict ${id}`);
    const [stored] = await this.db.checkins.storageInstance.findDocumentsById(
      [doc.checkinId],
      false,
    );
    return {
      ...conflictRow(doc, localConflicts(this.db).get([id]).get(id), stored),
      text: doc.text,
      storedRaw: stored ? JSON.stringify(stored.event) : null,
      storedFingerprint: doc.storedFingerprint,
      fingerprint: doc.fingerprint,
    };
  }
}
