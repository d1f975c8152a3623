/**
 * What the store holds, for `gate-ops stats`: counts from the collections and the local facts,
 * the ingest counters and cursor, and check-ins per gate, device and session. The per-group
 * counts are one SQL pass over the check-in table (no document is built in JavaScript).
 * `readStoreStatsOf` reads a file through a read-only connection (the command); the same
 * figures of an open RxDB database are in database-stats.ts.
 */
import type { DatabaseSync } from 'node:sqlite';
import { EMPTY_TOTALS, INGEST_STATE_ID, parseTotals, type IngestTotals } from './ingest-totals';
import type { StoreReader } from './store-reader';

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

/** Check-ins per gate, device and session, summed as groups are read. */
export class GroupCounts {
  // Maps, not plain objects: a gate, device or session may be called `__proto__` or `constructor`.
  readonly perGate = new Map<string, number>();
  readonly perDevice = new Map<string, number>();
  readonly perSession = new Map<string, number>();
  checkins = 0;

  add(gate: string, device: string, session: string, n: number): void {
    this.perGate.set(gate, (this.perGate.get(gate) ?? 0) + n);
    this.perDevice.set(device, (this.perDevice.get(device) ?? 0) + n);
    this.perSession.set(session, (this.perSession.get(session) ?? 0) + n);
    this.checkins += n;
  }

  /** One SQL pass over a check-in table: no document is built in JavaScript. */
  addTable(sql: DatabaseSync, table: string): void {
    const groups = sql.prepare(
      `SELECT data ->> '$.gate', data ->> '$.deviceId', data ->> '$.sessionId', count(*)` +
        ` FROM ${table} WHERE deleted = 0 GROUP BY 1, 2, 3`,
    );
    groups.setReturnArrays(true);
    groups.setReadBigInts(false);
    for (const row of groups.iterate() as Iterable<[string, string, string, number]>) {
      this.add(row[0], row[1], row[2], row[3]);
    }
  }
}

export interface StatsCounts {
  readonly uniqueTickets: number;
  readonly reentries: number;
  readonly conflicts: number;
  readonly quarantined: number;
}

export function assembleStats(
  totals: IngestTotals,
  groups: GroupCounts,
  counts: StatsCounts,
): StoreStats {
  return {
    checkins: groups.checkins,
    ...counts,
    redeliveries: totals.redelivered,
    skipped: totals.skipped,
    replays: totals.replayed,
    sequenceAnomalies: totals.sequenceAnomalies,
    messages: totals.ingestSeq,
    cursor: totals.cursor,
    lastReceivedAt: totals.lastReceivedAt,
    perGate: sorted(groups.perGate),
    perDevice: sorted(groups.perDevice),
    perSession: sorted(groups.perSession),
  };
}

/**
 * The stats of a store read through a read-only connection (`gate-ops stats` next to a running
 * app): everything in one read transaction, so the figures agree with each other.
 */
export function readStoreStatsOf(reader: StoreReader): StoreStats {
  return reader.snapshot(() => {
    const groups = new GroupCounts();
    groups.addTable(reader.sql, reader.checkinTable);
    const ingest = reader.stateDoc(INGEST_STATE_ID)?.['value'];
    const totals =
      ingest && typeof ingest === 'object'
        ? parseTotals(ingest as Record<string, unknown>)
        : EMPTY_TOTALS;
    return assembleStats(totals, groups, {
      uniqueTickets: reader.count('ticket_first'),
      reentries: reader.count('checkin_local', 'reentry = 1'),
      conflicts: reader.liveCount('conflicts'),
      quarantined: reader.liveCount('quarantine'),
    });
  });
}

/** Sorted by name; Object.fromEntries defines own properties, `__proto__` included. */
function sorted(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
