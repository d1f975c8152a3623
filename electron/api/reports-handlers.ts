/** `reports:*` channels: export options, start an export, follow its progress, cancel it. */
import type { ExportService } from '../reports';
import type { ApiRouter } from './router';

export function registerReportsHandlers(
  router: ApiRouter,
  services: { reports: ExportService },
): void {
  const { reports } = services;
  router.handle('reports:options', () => reports.reportOptions());
  router.handle('reports:export', async (req) => ({ job: await reports.start(req) }));
  router.handleSubscription('reports:progress', (req, emit) => reports.subscribe(req.jobId, emit));
  router.handle('reports:cancel', (req) => ({ cancelled: reports.cancel(req.jobId) }));
}
