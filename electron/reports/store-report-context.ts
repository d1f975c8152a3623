/**
 * A report's context read from the store alone (for `gate-ops export`, with no dashboard
 * running): the relay outages the app recorded, the quarantine / conflict / redelivery
 * totals and the shift log. No open alerts: nothing evaluates them here.
 */
import { readIngestTotals, readOutages, readShiftLog, type GateOpsDatabase } from '../db';
import type { ReportContext } from './report-alerts';

export async function storeReportContext(
  db: Pick<GateOpsDatabase, 'state' | 'notes'>,
): Promise<ReportContext> {
  const [outages, totals, notes] = await Promise.all([
    readOutages(db),
    readIngestTotals(db as GateOpsDatabase),
    readShiftLog(db),
  ]);
  return {
    openAlerts: [],
    outages,
    totals: {
      quarantined: totals.quarantined,
      conflicts: totals.conflicts,
      redelivered: totals.redelivered,
    },
    notes,
  };
}
