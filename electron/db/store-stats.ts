/**
 * What the store holds, for `gate-ops stats`: counts from the collections, the ingest counters
 * and cursor, and check-ins per gate, device and session (one pass over the check-ins in
 * ingest order, a page at a time, so a million rows do not sit in memory at once).
 */
import type { GateOpsDatabase } from './database';
import { readIngestTotals, type IngestTotals } from './ingest-totals';

export interface StoreStats {
  readonly checkins: number;
  readonly uniqueTickets: number;
  readonly reentries: number;
  readonly redeliveries: number;
  readonly conflicts: number;
  readonly quarantined: number;
  readonly skipped: number;
  /** Messages the relay sent again that were already committed (dropped, counted here only). */
  readonly replays: number;
  /** New messages whose relay sequence did not sort after the one before it. */
  readonly sequenceAnomalies: number;
  readonly messages: number;
  readonly cursor: string | null;
  readonly lastReceivedAt: number | null;
  readonly perGate: Readonly<Record<string, number>>;
  readonly perDevice: Readonly<Record<string, number>>;
  readonly perSession: Readonly<Record<string, number>>;
}

const PAGE = 5000;

export async function readStoreStats(db: GateOpsDatabase): Promise<StoreStats> {
  const totals: IngestTotals = await readIngestTotals(db);
  // Maps, not plain objects: a gate, device or session may be called `__proto__` or `constructor`.
  const perGate = new Map<string, number>();
  const perDevice = new Map<string, number>();
  const perSession = new Map<string, number>();
  let checkins = 0;
  let reentries = 0;
  let after = -1;
  for (;;) {
    const page = await db.checkins
      .find({ selector: { ingestSeq: { $gt: after } }, sort: [{ ingestSeq: 'asc' }], limit: PAGE })
      .exec();
    for (const doc of page) {
      checkins += 1;
      if (doc.reentry) reentries += 1;
      perGate.set(doc.gate, (perGate.get(doc.gate) ?? 0) + 1);
      perDevice.set(doc.deviceId, (perDevice.get(doc.deviceId) ?? 0) + 1);
      perSession.set(doc.sessionId, (perSession.get(doc.sessionId) ?? 0) + 1);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.ingestSeq;
  }
  const [uniqueTickets, conflicts, quarantined] = await Promise.all([
    db.tickets.count().exec(),
    db.conflicts.count().exec(),
    db.quarantine.count().exec(),
  ]);
  return {
    checkins,
    uniqueTickets,
    reentries,
    redeliveries: totals.redelivered,
    conflicts,
    quarantined,
    skipped: totals.skipped,
    replays: totals.replayed,
    sequenceAnomalies: totals.sequenceAnomalies,
    messages: totals.ingestSeq,
    cursor: totals.cursor,
    lastReceivedAt: totals.lastReceivedAt,
    perGate: sorted(perGate),
    perDevice: sorted(perDevice),
    perSession: sorted(perSession),
  };
}

/** Sorted by name; Object.fromEntries defines own properties, `__proto__` included. */
function sorted(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
