/**
 * The IPC wire between the preload and main, beyond the API channels themselves (each query
 * channel is its own `ipcMain.handle` channel). Subscriptions travel as subscribe/unsubscribe
 * messages with an id chosen by the preload; their events come back on one event channel.
 * No electron import: main, the preload and the tests share this file.
 */
export const IPC_SUBSCRIBE = 'gateops:subscribe';
export const IPC_UNSUBSCRIBE = 'gateops:unsubscribe';
export const IPC_EVENT = 'gateops:event';

/** Subscription ids are short and opaque; main rejects anything else. */
export const SUBSCRIPTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface SubscribeMessage {
  readonly id: string;
  readonly channel: string;
  readonly request: unknown;
}

/** Main → preload on IPC_EVENT: one event of a subscription. */
export interface SubscriptionMessage {
  readonly id: string;
  readonly event: unknown;
}
