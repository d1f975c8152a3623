/**
 * What the store holds, for `gate-ops stats`: counts from the collections and the local facts,
 * the ingest counters and cursor, and check-ins per gate, device and session. On our SQLite
 * storage the per-group counts are one SQL pass over the check-in table (no document is built
 * in JavaScript); elsewhere (tests) the documents are walked a page at a time.
 */
import { normalizeMangoQuery, prepareQuery } from 'rxdb';
import { checkInTable } from './checkin-table';
import { localCheckIns, type GateOpsDatabase } from './database';
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
  const local = localCheckIns(db);
  // Maps, not plain objects: a gate, device or session may be called `__proto__` or `constructor`.
  const perGate = new Map<string, number>();
  const perDevice = new Map<string, number>();
  const perSession = new Map<string, number>();
  const add = (gate: string, device: string, session: string, n: number): void => {
    perGate.set(gate, (perGate.get(gate) ?? 0) + n);
    perDevice.set(device, (perDevice.get(device) ?? 0) + n);
    perSession.set(session, (perSession.get(session) ?? 0) + n);
  };
  let checkins = 0;
  const table = checkInTable(db.checkins);
  if (table) {
    const groups = table.sql.prepare(
      `SELECT data ->> '$.gate', data ->> '$.deviceId', data ->> '$.sessionId', count(*)` +
        ` FROM ${table.table} WHERE deleted = 0 GROUP BY 1, 2, 3`,
    );
    groups.setReturnArrays(true);
    groups.setReadBigInts(false);
    for (const row of groups.iterate() as Iterable<[string, string, string, number]>) {
      add(row[0], row[1], row[2], row[3]);
      checkins += row[3];
    }
  } else {
    let after = '';
    for (;;) {
      const page = await db.checkins.storageInstance.query(
        prepareQuery(
          db.checkins.schema.jsonSchema,
          normalizeMangoQuery(db.checkins.schema.jsonSchema, {
            selector: { id: { $gt: after } },
            sort: [{ id: 'asc' }],
            limit: PAGE,
          }),
        ),
      );
      for (const doc of page.documents) {
        if (doc._deleted) continue;
        add(doc.gate, doc.deviceId, doc.sessionId, 1);
        checkins += 1;
      }
      if (page.documents.length < PAGE) break;
      after = page.documents[page.documents.length - 1]!.id;
    }
  }
  const [conflicts, quarantined] = await Promise.all([
    db.conflicts.count().exec(),
    db.quarantine.count().exec(),
  ]);
  return {
    checkins,
    uniqueTickets: local.ticketCount(),
    reentries: local.reentryCount(),
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
