/** `status:*` channels: the banner's health, the relay-down history, and "retry now". */
import type { StatusService } from '../alerts';
import type { ApiRouter } from './router';
import { watch } from './watch';

export function registerStatusHandlers(
  router: ApiRouter,
  services: { status: StatusService },
): void {
  const { status } = services;
  router.handle('status:health', () => status.health());
  router.handleSubscription('status:health-watch', (_req, emit, ctx) =>
    // Time alone turns a quiet link amber: refreshed every few seconds as well.
    watch(status.changes$, () => status.health(), emit, {
      minIntervalMs: 500,
      refreshMs: 5000,
      onError: ctx.reportError,
    }),
  );
  router.handle('status:outages', (req) => status.outageList(req.limit));
  router.handleSubscription('status:outages-watch', (req, emit, ctx) =>
    watch(status.changes$, () => status.outageList(req.limit), emit, {
      minIntervalMs: 1000,
      onError: ctx.reportError,
    }),
  );
  router.handle('status:retry-relay', () => ({ retried: status.retryRelay() }));
}
