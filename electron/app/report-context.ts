/** What a PDF report takes from the running dashboard: open alerts, outages, totals. */
import type { ReportContextSource } from '../reports';
import type { DashboardServices } from './dashboard-services';

export function dashboardReportContext(dashboard: DashboardServices): ReportContextSource {
  return () => ({
    openAlerts: dashboard.alerts.list(false).alerts,
    outages: dashboard.status.outageList(500).outages,
    totals: dashboard.status.health().totals,
  });
}
