/** `relay:*` channels: the relay link status, pushed on every change. */
import type { RelayStatusSource } from '../alerts';
import type { ApiRouter } from './router';

export function registerRelayHandlers(
  router: ApiRouter,
  services: { relay: RelayStatusSource },
): void {
  const { relay } = services;
  router.handle('relay:status', () => relay.current());
  router.handleSubscription('relay:status-watch', (_req, emit) => {
    emit(relay.current());
    return relay.subscribe(emit);
  });
}
