/** `checkins:*` and `quarantine:*` channels: paged browsing and search of what is stored. */
import { map } from 'rxjs';
import type {
  ActivityService,
  CheckinSearch,
  ConflictBrowser,
  QuarantineBrowser,
} from '../activity';
import type { ApiRouter } from './router';
import { watch } from './watch';

export function registerCheckinsHandlers(
  router: ApiRouter,
  services: { checkins: CheckinSearch; activity: ActivityService },
): void {
  const { checkins, activity } = services;
  router.handle('checkins:search', (req) => checkins.search(req));
  router.handle('checkins:get', (req) => checkins.get(req.id));
  router.handleSubscription('checkins:changes', (_req, emit, ctx) =>
    watch(
      activity.changes$.pipe(map(() => 0)),
      () => ({ lastIngestSeq: activity.model.lastIngestSeq, total: activity.model.checkins }),
      emit,
      { minIntervalMs: 1000, refreshMs: 0, onError: ctx.reportError },
    ),
  );
}

export function registerQuarantineHandlers(
  router: ApiRouter,
  services: { quarantine: QuarantineBrowser; conflicts?: ConflictBrowser | undefined },
): void {
  const { quarantine, conflicts } = services;
  router.handle('quarantine:list', (req) => quarantine.list(req));
  router.handle('quarantine:get', (req) => quarantine.get(req.id));
  if (conflicts) {
    router.handle('conflicts:list', (req) => conflicts.list(req));
    router.handle('conflicts:get', (req) => conflicts.get(req.id));
  }
}
