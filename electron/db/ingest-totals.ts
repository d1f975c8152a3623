/**
 * The ingest counters and resume cursor, kept in the `state` doc `ingest`. They are written in
 * the same storage transaction as the batch they cover, so after a crash they describe exactly
 * what is stored and a replay from `cursor` neither loses nor double-counts.
 */
import type { GateOpsDatabase, StoreTransaction } from './database-types';
import { put } from './storage-writes';

export const INGEST_STATE_ID = 'ingest';

export interface IngestTotals {
  /**
   * The relay sequence to resume after (null: nothing yet): committed, and confirmed by a later
   * committed stamp that sorts after it (electron/ingest/cursor-rule.ts).
   */
  readonly cursor: string | null;
  /** The newest committed stamp above `cursor`, not yet confirmed. */
  readonly latest: string | null;
  /**
   * Which relay `cursor` belongs to (its URL, or 'demo'). Sequences of one relay mean nothing to
   * another, so a cursor is only sent back to the relay that stamped it.
   */
  readonly cursorRelay: string | null;
  /** Messages committed in all: every message gets the next number (check-in, quarantine, …). */
  readonly ingestSeq: number;
  /** Unique check-ins stored. */
  readonly stored: number;
  readonly redelivered: number;
  readonly conflicts: number;
  readonly quarantined: number;
  readonly skipped: number;
  /** Stored check-ins of a ticket that already had one. */
  readonly reentries: number;
  /** Messages the relay sent again that were already committed (not counted anywhere else). */
  readonly replayed: number;
  /** New messages whose sequence did not sort after the one before it (nor after the cursor). */
  readonly sequenceAnomalies: number;
  /** When the last committed message was received (epoch ms), null: nothing yet. */
  readonly lastReceivedAt: number | null;
}

export const EMPTY_TOTALS: IngestTotals = {
  cursor: null,
  latest: null,
  cursorRelay: null,
  ingestSeq: 0,
  stored: 0,
  redelivered: 0,
  conflicts: 0,
  quarantined: 0,
  skipped: 0,
  reentries: 0,
  replayed: 0,
  sequenceAnomalies: 0,
  lastReceivedAt: null,
};

export async function readIngestTotals(db: GateOpsDatabase): Promise<IngestTotals> {
  const doc = await db.state.findOne(INGEST_STATE_ID).exec();
  if (!doc) return EMPTY_TOTALS;
  return parseTotals(doc.toJSON().value);
}

export function parseTotals(value: Readonly<Record<string, unknown>>): IngestTotals {
  const num = (k: string): number => {
    const v = value[k];
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
  };
  const cursor = value['cursor'];
  const latest = value['latest'];
  const last = value['lastReceivedAt'];
  const cursorRelay = value['cursorRelay'];
  return {
    cursor: typeof cursor === 'string' ? cursor : null,
    latest: typeof latest === 'string' ? latest : null,
    cursorRelay: typeof cursorRelay === 'string' ? cursorRelay : null,
    ingestSeq: num('ingestSeq'),
    stored: num('stored'),
    redelivered: num('redelivered'),
    conflicts: num('conflicts'),
    quarantined: num('quarantined'),
    skipped: num('skipped'),
    reentries: num('reentries'),
    replayed: num('replayed'),
    sequenceAnomalies: num('sequenceAnomalies'),
    lastReceivedAt: typeof last === 'number' ? last : null,
  };
}

/** Writes the totals on their own (the batch commit writes them with its batch). */
export async function writeIngestTotals(
  db: GateOpsDatabase,
  transaction: StoreTransaction,
  totals: IngestTotals,
): Promise<void> {
  await transaction(() =>
    put(db.state, { id: INGEST_STATE_ID, value: { version: 1, ...totals }, updatedAt: Date.now() }),
  );
}
