/**
 * Registers every domain's handlers on a router. Both hosts call this (Electron main binds the
 * router to IPC, headless mode to its loopback websocket). A domain whose service is absent is
 * not registered, and its channels answer `unknown_channel`.
 */
import { Observable } from 'rxjs';
import { registerActivityHandlers } from './activity-handlers';
import { registerAlertsHandlers } from './alerts-handlers';
import { registerCapacityHandlers } from './capacity-handlers';
import { registerCheckinsHandlers, registerQuarantineHandlers } from './checkins-handlers';
import { registerRelayHandlers } from './relay-handlers';
import { registerReportsHandlers } from './reports-handlers';
import type { ApiRouter } from './router';
import type { ApiServices } from './services';
import { registerSettingsHandlers } from './settings-handlers';
import { registerStatusHandlers } from './status-handlers';
import { registerSyncHandlers } from './sync-handlers';

export function registerAllHandlers(router: ApiRouter, services: ApiServices): void {
  const { appInfo, activity, alerts, checkins, quarantine, conflicts, relay, status } = services;
  if (appInfo) router.handle('app:info', () => appInfo());
  const settings = services.settings;
  const settingsChanged = settings
    ? new Observable<void>((sub) => settings.onChange(() => sub.next()))
    : undefined;
  if (activity) registerActivityHandlers(router, { activity, settingsChanged });
  if (alerts) registerAlertsHandlers(router, { alerts });
  if (checkins && activity) registerCheckinsHandlers(router, { checkins, activity });
  if (quarantine) registerQuarantineHandlers(router, { quarantine, conflicts });
  if (status) registerStatusHandlers(router, { status });
  if (relay) registerRelayHandlers(router, { relay });
  if (services.settings) registerSettingsHandlers(router, { settings: services.settings });
  if (services.settings && services.expected) {
    registerCapacityHandlers(router, { settings: services.settings, expected: services.expected });
  }
  if (services.reports) registerReportsHandlers(router, { reports: services.reports });
  if (services.sync) {
    registerSyncHandlers(router, { sync: services.sync, shiftLog: services.shiftLog });
  }
}
