/**
 * The IPC wire between the preload and main, beyond the API channels themselves (each query
 * channel is its own `ipcMain.handle` channel). Subscriptions travel as subscribe/unsubscribe
 * messages with an id chosen by the preload; their events come back on one event channel.
 * Each page load picks a random page id: when main sees a new one from a window, the previous
 * page (reloaded away) is gone and its subscriptions end, whatever order navigation events
 * arrive in. No electron import: main, the preload and the tests share this file.
 */
export const IPC_SUBSCRIBE = 'gateops:subscribe';
export const IPC_UNSUBSCRIBE = 'gateops:unsubscribe';
export const IPC_EVENT = 'gateops:event';

/** Subscription and page ids are short and opaque; main rejects anything else. */
export const SUBSCRIPTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface SubscribeMessage {
  readonly page: string;
  readonly id: string;
  readonly channel: string;
  readonly request: unknown;
}

export interface UnsubscribeMessage {
  readonly page: string;
  readonly id: string;
}

/** Main → preload on IPC_EVENT: one event of a subscription. */
export interface SubscriptionMessage {
  readonly id: string;
  readonly event: unknown;
}
