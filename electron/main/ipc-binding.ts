/**
 * Binds the ApiRouter to Electron IPC. Every query channel of the channel map is one
 * `ipc.handle` channel; subscriptions are subscribe/unsubscribe messages whose events go back with
 * `webContents.send`. Every message is checked first: it must come from the main frame of one of
 * our windows, showing our renderer (see renderer-url-policy.ts). Anything wrong (foreign sender,
 * unknown channel, bad payload, a throwing service) becomes a typed error result, never a crash.
 * Written against small structural interfaces so the tests drive it with fakes.
 */
import { z } from 'zod';
import { channels, type ApiError, type ApiResult } from '../../shared/api';
import type { ApiEndpoint } from '../api';
import {
  IPC_EVENT,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
  SUBSCRIPTION_ID_PATTERN,
  type SubscriptionMessage,
} from '../../shared/api/ipc-protocol';

export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
}

export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcEventLike {
  readonly sender: WebContentsLike;
  /** null when the frame has navigated away or been destroyed since sending. */
  readonly senderFrame: FrameLike | null;
}

/** The part of Electron's ipcMain this binding uses. */
export interface IpcLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(
    channel: string,
    listener: (event: IpcEventLike, ...args: unknown[]) => void,
  ): unknown;
}

export interface IpcBindingOptions {
  readonly ipc: IpcLike;
  readonly router: ApiEndpoint;
  /** The webContents of our own windows; messages from any other are refused. */
  readonly isOurWebContents: (contents: WebContentsLike) => boolean;
  /** Whether a URL is our renderer (the built index.html, or the dev server in development). */
  readonly isAppUrl: (url: string) => boolean;
  readonly log?: { warn(message: string): void };
  /** A renderer holding more live subscriptions than this is leaking them; refuse new ones. */
  readonly maxSubscriptionsPerContents?: number;
}

export interface IpcBinding {
  /** Live subscriptions, for tests and diagnostics. */
  subscriptionCount(): number;
  /** Removes every handler and ends every subscription (app quit). */
  dispose(): void;
}

const subscribeSchema = z
  .object({
    page: z.string().regex(SUBSCRIPTION_ID_PATTERN),
    id: z.string().regex(SUBSCRIPTION_ID_PATTERN),
    channel: z.string().max(128),
    request: z.unknown(),
  })
  .strict();

const unsubscribeSchema = z
  .object({
    page: z.string().regex(SUBSCRIPTION_ID_PATTERN),
    id: z.string().regex(SUBSCRIPTION_ID_PATTERN),
  })
  .strict();

/** The live subscriptions of one window: those of the page it shows now. */
interface PageSubscriptions {
  readonly page: string;
  readonly subs: Map<string, () => void>;
}

const forbidden: ApiError = {
  code: 'forbidden',
  message: 'this IPC message did not come from the Gate Ops window',
};

export function bindIpc(options: IpcBindingOptions): IpcBinding {
  const { ipc, router } = options;
  const log = options.log ?? { warn: (m: string) => console.warn(`[ipc] ${m}`) };
  const maxSubs = options.maxSubscriptionsPerContents ?? 500;
  const ctx = { origin: 'ipc' } as const;
  /** webContents id → its current page's subscriptions. */
  const live = new Map<number, PageSubscriptions>();
  /** webContents whose 'destroyed' event we already listen to. */
  const hooked = new Set<number>();

  const trusted = (event: IpcEventLike): boolean => {
    const frame = event.senderFrame;
    const sender = event.sender;
    if (!frame || sender.isDestroyed() || !options.isOurWebContents(sender)) return false;
    const main = sender.mainFrame;
    // Only the top frame: an iframe (even a same-origin one) never gets the API.
    if (frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
    return options.isAppUrl(frame.url);
  };

  const refuse = (event: IpcEventLike, what: string): ApiResult<never> => {
    log.warn(`refused ${what} from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
    return { ok: false, error: forbidden };
  };

  const endAll = (contentsId: number): void => {
    const current = live.get(contentsId);
    if (!current) return;
    live.delete(contentsId);
    for (const stop of current.subs.values()) safeStop(stop);
  };

  const safeStop = (stop: () => void): void => {
    try {
      stop();
    } catch (error) {
      log.warn(`an unsubscribe failed: ${String(error)}`);
    }
  };

  const queryChannels = Object.entries(channels)
    .filter(([, def]) => def.kind === 'query')
    .map(([name]) => name);

  for (const channel of queryChannels) {
    ipc.handle(channel, async (event, payload) => {
      if (!trusted(event)) return refuse(event, channel);
      try {
        return await router.query(channel, payload, ctx);
      } catch (error) {
        // The router already turns handler errors into results; this is the last net.
        return { ok: false, error: { code: 'internal', message: String(error) } };
      }
    });
  }

  ipc.handle(IPC_SUBSCRIBE, (event, raw): ApiResult<null> => {
    if (!trusted(event)) return refuse(event, IPC_SUBSCRIBE);
    const msg = subscribeSchema.safeParse(raw);
    if (!msg.success) {
      return { ok: false, error: { code: 'bad_request', message: 'malformed subscribe message' } };
    }
    const { page, id, channel, request } = msg.data;
    const sender = event.sender;
    if (!hooked.has(sender.id)) {
      hooked.add(sender.id);
      const contentsId = sender.id;
      sender.once('destroyed', () => {
        hooked.delete(contentsId);
        endAll(contentsId);
      });
    }
    let current = live.get(sender.id);
    if (current && current.page !== page) {
      // A new page in this window (a reload): the old page's subscriptions have no reader.
      endAll(sender.id);
      current = undefined;
    }
    if (!current) {
      current = { page, subs: new Map() };
      live.set(sender.id, current);
    }
    const subs = current.subs;
    const existing = subs.get(id);
    if (existing) {
      subs.delete(id);
      safeStop(existing);
    }
    if (subs.size >= maxSubs) {
      return {
        ok: false,
        error: { code: 'unavailable', message: `too many live subscriptions (${maxSubs})` },
      };
    }
    const emit = (value: unknown): void => {
      if (sender.isDestroyed()) return;
      const message: SubscriptionMessage = { id, event: value };
      try {
        sender.send(IPC_EVENT, message);
      } catch (error) {
        log.warn(`could not deliver an event of ${channel}: ${String(error)}`);
      }
    };
    const result = router.subscribe(channel, request, emit, ctx);
    if (!result.ok) return result;
    // The window may have gone (or reloaded) while the handler ran.
    if (live.get(sender.id) !== current || sender.isDestroyed()) {
      safeStop(result.value);
      return { ok: false, error: { code: 'cancelled', message: 'the page went away' } };
    }
    subs.set(id, result.value);
    return { ok: true, value: null };
  });

  const onUnsubscribe = (event: IpcEventLike, raw: unknown): void => {
    if (!trusted(event)) return;
    const msg = unsubscribeSchema.safeParse(raw);
    if (!msg.success) return;
    const current = live.get(event.sender.id);
    if (!current || current.page !== msg.data.page) return;
    const stop = current.subs.get(msg.data.id);
    if (!stop) return;
    current.subs.delete(msg.data.id);
    safeStop(stop);
  };
  ipc.on(IPC_UNSUBSCRIBE, onUnsubscribe);

  return {
    subscriptionCount: () => [...live.values()].reduce((n, p) => n + p.subs.size, 0),
    dispose() {
      for (const channel of queryChannels) ipc.removeHandler(channel);
      ipc.removeHandler(IPC_SUBSCRIBE);
      ipc.removeListener(IPC_UNSUBSCRIBE, onUnsubscribe);
      for (const contentsId of [...live.keys()]) endAll(contentsId);
    },
  };
}
