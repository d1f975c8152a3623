/** Quarantine pages, newest first, optionally by reason code (the [code, ingestSeq] index). */
import type { MangoQuery } from 'rxdb';
import { ServiceError } from '../../shared/api/define';
import type { QuarantineRow } from '../../shared/api/channels/quarantine';
import type { GateOpsDatabase, QuarantineDoc } from '../db';
import { newestFirstPage, queryRaw } from '../db/raw-query';

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
