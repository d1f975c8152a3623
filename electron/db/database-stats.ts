/**
 * `StoreStats` of an open database (tests, and any host holding the store open): on our SQLite
 * storage one SQL pass over the check-in table, elsewhere (RxDB's memory storage in tests) the
 * documents a page at a time. `gate-ops stats` reads the file itself instead (store-stats.ts).
 */
import { normalizeMangoQuery, prepareQuery } from 'rxdb';
import { checkInTable } from './checkin-table';
import { localCheckIns, type GateOpsDatabase } from './database';
import { readIngestTotals, type IngestTotals } from './ingest-totals';
import { assembleStats, GroupCounts, type StoreStats } from './store-stats';

const PAGE = 5000;

/** The stats of an open database (on our storage one SQL pass; elsewhere, pages of documents). */
export async function readStoreStats(db: GateOpsDatabase): Promise<StoreStats> {
  const totals: IngestTotals = await readIngestTotals(db);
  const local = localCheckIns(db);
  const groups = new GroupCounts();
  const table = checkInTable(db.checkins);
  if (table) {
    groups.addTable(table.sql, table.table);
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
        if (!doc._deleted) groups.add(doc.gate, doc.deviceId, doc.sessionId, 1);
      }
      if (page.documents.length < PAGE) break;
      after = page.documents[page.documents.length - 1]!.id;
    }
  }
  const [conflicts, quarantined] = await Promise.all([
    db.conflicts.count().exec(),
    db.quarantine.count().exec(),
  ]);
  return assembleStats(totals, groups, {
    uniqueTickets: local.ticketCount(),
    reentries: local.reentryCount(),
    conflicts,
    quarantined,
  });
}
