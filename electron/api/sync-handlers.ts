/** `sync:*` and `notes:*` channels: venue sync role, team, join code, and the shift log. */
import type { ShiftLog, VenueSync } from '../sync';
import type { ApiRouter } from './router';

export function registerSyncHandlers(
  router: ApiRouter,
  services: { sync: VenueSync; shiftLog?: ShiftLog | undefined },
): void {
  const { sync, shiftLog } = services;
  router.handle('sync:status', () => sync.current);
  router.handleSubscription('sync:status-watch', (_req, emit) => {
    const sub = sync.status$.subscribe(emit);
    return () => sub.unsubscribe();
  });
  router.handle('sync:join-code', () => sync.joinCodeQr());
  router.handle('sync:become-hub', async (req) => {
    await sync.becomeHub(req.port);
    return { ok: true as const };
  });
  router.handle('sync:join', async (req) => {
    await sync.join(req.code);
    return { ok: true as const };
  });
  router.handle('sync:leave', async () => {
    await sync.leave();
    return { ok: true as const };
  });
  router.handle('sync:new-code', async () => {
    await sync.newCode();
    return { ok: true as const };
  });
  if (!shiftLog) return;
  router.handle('notes:list', (req) => shiftLog.list(req.limit));
  router.handle('notes:add', async (req) => ({ id: await shiftLog.add(req) }));
  router.handleSubscription('notes:watch', (req, emit, ctx) => {
    let stopped = false;
    const push = () => {
      // A failed read is reported (a damaged store must say so), never an unhandled rejection.
      void shiftLog.list(req.limit).then((l) => {
        if (!stopped) emit(l);
      }, ctx.reportError);
    };
    push();
    const sub = shiftLog.changes$.subscribe(push);
    return () => {
      stopped = true;
      sub.unsubscribe();
    };
  });
}
