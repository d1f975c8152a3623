/**
 * The ApiTransport over Electron IPC, for the preload. Queries are `invoke` on the channel's own
 * name; subscriptions get a local id, and their events arrive on one event channel and are
 * dispatched by id, with the Electron event dropped. Results are always typed results: an IPC
 * failure (main gone, an uncloneable payload) becomes an error result too.
 */
import { ApiCallError, type ApiError, type ApiResult, type ApiTransport } from '../../shared/api';
import {
  IPC_EVENT,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
  type SubscribeMessage,
  type SubscriptionMessage,
  type UnsubscribeMessage,
} from '../../shared/api/ipc-protocol';

/** The part of Electron's ipcRenderer the transport uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

interface LocalSubscription {
  readonly listener: (event: unknown) => void;
  readonly onError: ((error: ApiCallError) => void) | undefined;
}

function transportError(error: unknown): ApiError {
  return {
    code: 'unavailable',
    message: `the app did not answer: ${error instanceof Error ? error.message : String(error)}`,
  };
}

function isResult(value: unknown): value is ApiResult<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { ok?: unknown }).ok === 'boolean'
  );
}

export function createIpcTransport(ipc: IpcRendererLike): ApiTransport {
  const subs = new Map<string, LocalSubscription>();
  // This page load's id (see ipc-protocol.ts); subscription ids are unique within it.
  const page = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  let next = 0;
  const newId = (): string => `s${(next++).toString(36)}`;

  const fail = (sub: LocalSubscription | undefined, error: ApiError): void => {
    if (!sub) return;
    if (sub.onError) sub.onError(new ApiCallError(error));
    else console.error(`[gateOps] subscription failed: ${error.code}: ${error.message}`);
  };

  ipc.on(IPC_EVENT, (_event, raw) => {
    const msg = raw as SubscriptionMessage | undefined;
    if (!msg || typeof msg.id !== 'string') return;
    const sub = subs.get(msg.id);
    if (!sub) return;
    try {
      sub.listener(msg.event);
    } catch (error) {
      // A throwing listener must not break dispatch for the others.
      console.error('[gateOps] a subscription listener threw', error);
    }
  });

  return {
    async query(channel, payload) {
      try {
        const result = await ipc.invoke(channel, payload);
        return isResult(result)
          ? result
          : { ok: false, error: { code: 'internal', message: 'malformed reply from main' } };
      } catch (error) {
        return { ok: false, error: transportError(error) };
      }
    },

    subscribe(channel, payload, listener, onError) {
      const id = newId();
      const sub: LocalSubscription = { listener, onError };
      subs.set(id, sub);
      const message: SubscribeMessage = { page, id, channel, request: payload };
      ipc.invoke(IPC_SUBSCRIBE, message).then(
        (result) => {
          if (isResult(result) && result.ok) return;
          if (subs.get(id) !== sub) return; // already unsubscribed
          subs.delete(id);
          fail(
            sub,
            isResult(result) && !result.ok
              ? result.error
              : { code: 'internal', message: 'malformed reply from main' },
          );
        },
        (error: unknown) => {
          if (subs.get(id) !== sub) return;
          subs.delete(id);
          fail(sub, transportError(error));
        },
      );
      let done = false;
      return () => {
        if (done) return;
        done = true;
        subs.delete(id);
        // Same IPC pipe as the subscribe, so main always sees this after it.
        const bye: UnsubscribeMessage = { page, id };
        ipc.send(IPC_UNSUBSCRIBE, bye);
      };
    },
  };
}
