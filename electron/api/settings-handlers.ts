/**
 * API handlers for the settings domain. Requests arrive already validated by the router; the
 * relay token and the NATS secret only ever flow in (set/clear), never out.
 */
import type { SettingsService } from '../settings';
import type { ApiRouter } from './router';

export interface SettingsHandlerServices {
  readonly settings: SettingsService;
}

export function registerSettingsHandlers(
  router: ApiRouter,
  services: SettingsHandlerServices,
): void {
  const { settings } = services;
  router.handle('settings:get', () => settings.view());
  router.handle('settings:update', ({ patch }) => settings.update(patch));
  router.handle('settings:set-token', ({ token }) => settings.setRelayToken(token));
  router.handle('settings:clear-token', () => settings.clearRelayToken());
  router.handle('settings:set-nats-secret', (secret) => settings.setNatsSecret(secret));
  router.handle('settings:clear-nats-secret', () => settings.clearNatsSecret());
  router.handleSubscription('settings:changes', (_request, emit) => {
    let closed = false;
    let changed = false;
    const stop = settings.onChange((change) => {
      changed = true;
      emit(change.view);
    });
    // The current view first, so a new Settings screen needs no separate get; skipped if a
    // change already delivered a newer one.
    void settings
      .view()
      .then((view) => {
        if (!closed && !changed) emit(view);
      })
      .catch(() => undefined);
    return () => {
      closed = true;
      stop();
    };
  });
}
