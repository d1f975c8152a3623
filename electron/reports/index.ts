/**
 * Attendance reports (CSV, XLSX, PDF), streamed from the check-ins collection into an atomic
 * file. Docs: docs/reports.md. Imports db/ (reads), files/ and shared/; no other feature. Hosts build one `ExportService` and register `registerReportsHandlers`
 * (electron/api/reports-handlers.ts); headless mode also mounts `createReportDownloadRoute`.
 *
 *   // Electron main (the shell plugs in the native dialog):
 *   const reports = new ExportService({ checkins: db.checkins, downloadsDir, saveDialog, openAlerts });
 *   // headless: no saveDialog; finished files are downloaded from /reports/download/<jobId>
 *   const { service, route } = createHostReports({ checkins: db.checkins, dataDir, openAlerts });
 */
import { join } from 'node:path';
import type { CheckInsCollection } from '../db';
import { createReportDownloadRoute, type DownloadRoute } from './download-route';
import { ExportService, type SaveDialog } from './export-service';
import type { OpenAlertsSource, ReportContextSource } from './report-alerts';

export { createReportDownloadRoute, type DownloadRoute } from './download-route';
export {
  DOWNLOAD_ROUTE_PREFIX,
  ExportService,
  type ExportServiceOptions,
  type SaveDialog,
  type SaveDialogFilter,
} from './export-service';
export {
  noOpenAlerts,
  type OpenAlertsSource,
  type ReportAlert,
  type ReportContext,
  type ReportContextSource,
} from './report-alerts';
export { storeReportContext } from './store-report-context';
export { REPORT_COLUMNS, reportColumns } from './report-columns';
export {
  ExportCancelledError,
  ReportRequestError,
  resolveExportRequest,
  runExport,
  type ExportOutcome,
  type ExportProgress,
} from './run-export';
export { createReportClock, parseReportTime, resolveTimeZone } from './time-zone';

export interface HostReports {
  readonly service: ExportService;
  /** Headless only: mount with the host's other routes. */
  readonly route: DownloadRoute;
  close(): Promise<void>;
}

/** The reports domain for a host: exports go to `<dataDir>/exports` unless a dialog is given. */
export function createHostReports(options: {
  readonly checkins: CheckInsCollection;
  readonly dataDir: string;
  readonly openAlerts?: OpenAlertsSource;
  readonly context?: ReportContextSource;
  readonly saveDialog?: SaveDialog;
}): HostReports {
  const service = new ExportService({
    checkins: options.checkins,
    downloadsDir: join(options.dataDir, 'exports'),
    ...(options.openAlerts ? { openAlerts: options.openAlerts } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.saveDialog ? { saveDialog: options.saveDialog } : {}),
  });
  return { service, route: createReportDownloadRoute(service), close: () => service.close() };
}
