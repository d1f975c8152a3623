/** `activity:*` channels: overview, sessions, devices, gates; each with a coalesced `-watch`. */
import { merge, type Observable } from 'rxjs';
import type { ActivityService } from '../activity';
import type { ApiRouter } from './router';
import { watch } from './watch';

export function registerActivityHandlers(
  router: ApiRouter,
  services: {
    activity: ActivityService;
    /** Settings changed (thresholds, expected attendance): the figures change with them. */
    settingsChanged?: Observable<unknown> | undefined;
  },
): void {
  const { activity } = services;
  const changes = services.settingsChanged
    ? merge(activity.changes$, services.settingsChanged)
    : activity.changes$;
  router.handle('activity:overview', (req) => activity.overview(req.minutes, req.gateWindow));
  router.handleSubscription('activity:overview-watch', (req, emit, ctx) =>
    // 10 a second at most: small enough to be cheap, quick enough that a scan shows within ~¼ s.
    watch(changes, () => activity.overview(req.minutes, req.gateWindow), emit, {
      onError: ctx.reportError,
      minIntervalMs: 100,
    }),
  );
  router.handle('activity:sessions', (req) => activity.sessions(req));
  router.handleSubscription('activity:sessions-watch', (req, emit, ctx) =>
    watch(changes, () => activity.sessions(req), emit, {
      minIntervalMs: 500,
      onError: ctx.reportError,
    }),
  );
  router.handle('activity:devices', (req) => activity.devices(req));
  router.handleSubscription('activity:devices-watch', (req, emit, ctx) =>
    watch(changes, () => activity.devices(req), emit, {
      minIntervalMs: 500,
      onError: ctx.reportError,
    }),
  );
  router.handle('activity:gates', () => ({ rows: activity.gates() }));
  router.handleSubscription('activity:gates-watch', (_req, emit, ctx) =>
    watch(changes, () => ({ rows: activity.gates() }), emit, {
      minIntervalMs: 500,
      onError: ctx.reportError,
    }),
  );
}
