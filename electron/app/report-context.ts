/** What a PDF report takes from the running dashboard (open alerts, outages, totals) and the store (the shift log). */
import { readShiftLog, type GateOpsDatabase } from '../db';
import type { ReportContextSource } from '../reports';
import type { DashboardServices } from './dashboard-services';

export function dashboardReportContext(
  dashboard: DashboardServices,
  db: Pick<GateOpsDatabase, 'notes'>,
): ReportContextSource {
  return async () => ({
    openAlerts: dashboard.alerts.list(false).alerts,
    outages: dashboard.status.outageList(500).outages,
    totals: dashboard.status.health().totals,
    notes: await readShiftLog(db),
  });
}
