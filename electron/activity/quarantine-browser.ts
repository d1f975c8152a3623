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
  type QuarantineDoc,
  newestFirstPage,
  queryRaw,
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

function conflictRow(d: Readonly<ConflictDoc>, stored?: Readonly<CheckInDoc>): ConflictRow {
  return {
    id: d.id,
    ingestSeq: d.ingestSeq,
    receivedAt: d.receivedAt,
    key: d.key,
    checkinId: d.checkinId,
    preview: d.text.slice(0, PREVIEW),
    size: d.text.length,
    ticketId: stored?.ticketId ?? '',
    changes: dataChanges(stored ? JSON.stringify(stored.event) : undefined, d.text),
  };
}

/** Conflicting redeliveries (a known key with other content), newest first, beside quarantine. */
export class ConflictBrowser {
  constructor(private readonly db: GateOpsDatabase) {}

  async list(req: { offset: number; limit: number }) {
    const query = { selector: {}, sort: [{ ingestSeq: 'desc' }] } as MangoQuery<ConflictDoc> & {
      sort: [Record<string, 'asc' | 'desc'>];
    };
    const { total, docs } = await newestFirstPage(this.db.conflicts, query, req.offset, req.limit);
    const stored = await this.db.checkins.storageInstance.findDocumentsById(
      [...new Set(docs.map((d) => d.checkinId))],
      false,
    );
    const byId = new Map(stored.map((c) => [c.id, c]));
    return {
      total,
      offset: req.offset,
      rows: docs.map((d) => conflictRow(d, byId.get(d.checkinId))),
    };
  }

  async get(id: string): Promise<ConflictDetail> {
    const [doc] = await queryRaw(this.db.conflicts, { selector: { id }, limit: 1 });
    if (!doc) throw new ServiceError('not_found', `no conflict ${id}`);
    const [stored] = await this.db.checkins.storageInstance.findDocumentsById(
      [doc.checkinId],
      false,
    );
    return {
      ...conflictRow(doc, stored),
      text: doc.text,
      storedRaw: stored ? JSON.stringify(stored.event) : null,
      storedFingerprint: doc.storedFingerprint,
      fingerprint: doc.fingerprint,
    };
  }
}
