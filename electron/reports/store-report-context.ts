/**
 * A report's context read from the store alone (for `gate-ops export`, with no dashboard
 * running): the relay outages the app recorded and the quarantine / conflict / redelivery
 * totals. No open alerts: nothing evaluates them here.
 */
import { readIngestTotals, readOutages, type GateOpsDatabase } from '../db';
import type { ReportContext } from './report-alerts';

export async function storeReportContext(
  db: Pick<GateOpsDatabase, 'state'>,
): Promise<ReportContext> {
  const [outages, totals] = await Promise.all([
    readOutages(db),
    readIngestTotals(db as GateOpsDatabase),
  ]);
  return {
    openAlerts: [],
    outages,
    totals: {
      quarantined: totals.quarantined,
      conflicts: totals.conflicts,
      redelivered: totals.redelivered,
    },
  };
}
