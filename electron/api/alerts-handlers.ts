/** `alerts:*` channels: the open alerts (live) and acknowledging them. */
import type { AlertService } from '../alerts';
import type { ApiRouter } from './router';
import { watch } from './watch';

export function registerAlertsHandlers(
  router: ApiRouter,
  services: { alerts: AlertService },
): void {
  const { alerts } = services;
  router.handle('alerts:list', (req) => alerts.list(req.includeAcknowledged));
  router.handleSubscription('alerts:watch', (req, emit, ctx) =>
    watch(alerts.changes$, () => alerts.list(req.includeAcknowledged), emit, {
      refreshMs: 0,
      onError: ctx.reportError,
    }),
  );
  router.handle('alerts:history', (req) => alerts.clearedHistory(req.offset, req.limit));
  router.handleSubscription('alerts:history-watch', (req, emit, ctx) =>
    watch(alerts.changes$, () => alerts.clearedHistory(req.offset, req.limit), emit, {
      onError: ctx.reportError,
      refreshMs: 0,
    }),
  );
  router.handle('alerts:acknowledge', async (req) => ({
    acknowledged: await alerts.acknowledge(req.ids),
  }));
  router.handle('alerts:acknowledge-all', async () => ({
    acknowledged: await alerts.acknowledgeAll(),
  }));
}
