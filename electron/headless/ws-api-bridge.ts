/**
 * Carries the API router over one websocket connection: queries answered with typed results,
 * subscriptions forwarded as events and all of them ended when the socket closes. Malformed
 * messages get a typed error, never a crash.
 *
 * Bounded memory, whatever the client does (this process also runs ingest):
 * - at most `maxSubscriptions` live subscriptions per connection (as IPC); past it, `sub-err`;
 * - at most `maxPendingQueries` queries being answered at once; past it, an immediate error
 *   reply (tiny), so the replies being computed stay bounded;
 * - a client that does not read (more than `maxBuffered` bytes queued on its socket) is cut off:
 *   the connection is dropped with everything queued for it, its subscriptions end. Its page
 *   reconnects and asks again; dropping events instead would leave it showing stale numbers.
 */
import type WebSocket from 'ws';
import { clientMessageSchema, type ServerMessage } from '../../shared/api/ws-protocol';
import type { ApiEndpoint } from '../api';

export interface BridgeLimits {
  readonly maxSubscriptions: number;
  readonly maxPendingQueries: number;
  /** Bytes queued on the socket (not yet taken by the client) before it is cut off. */
  readonly maxBuffered: number;
}

export const BRIDGE_LIMITS: BridgeLimits = {
  maxSubscriptions: 500,
  maxPendingQueries: 64,
  maxBuffered: 8 * 1024 * 1024,
};

export interface BridgeOptions {
  readonly limits?: Partial<BridgeLimits>;
  /** One line when a client is cut off (headless mode's log). */
  readonly log?: (line: string) => void;
  /** Called once when this bridge cuts its client off (tests wait on it). */
  readonly onCutOff?: (reason: string) => void;
}

export function bridgeSocket(
  socket: WebSocket,
  router: ApiEndpoint,
  options: BridgeOptions = {},
): void {
  const limits: BridgeLimits = { ...BRIDGE_LIMITS, ...options.limits };
  const subscriptions = new Map<number, () => void>();
  let pending = 0;
  let cut = false;

  const endSubscriptions = (): void => {
    for (const stop of subscriptions.values()) stop();
    subscriptions.clear();
  };
  const cutOff = (reason: string): void => {
    if (cut) return;
    cut = true;
    endSubscriptions();
    // terminate, not close: a close frame would queue behind what the client does not read.
    socket.terminate();
    options.log?.(`api: a client was cut off (${reason})`);
    options.onCutOff?.(reason);
  };
  const send = (msg: ServerMessage): void => {
    if (cut || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > limits.maxBuffered) {
      cutOff(`it did not read: more than ${limits.maxBuffered} bytes waiting for it`);
      return;
    }
    socket.send(JSON.stringify(msg));
  };

  socket.on('message', (data, isBinary) => {
    if (cut) return;
    let parsed: unknown;
    try {
      parsed = isBinary ? undefined : JSON.parse(String(data));
    } catch {
      parsed = undefined;
    }
    const msg = clientMessageSchema.safeParse(parsed);
    if (!msg.success) {
      const id = (parsed as { id?: unknown } | undefined)?.id;
      send({
        t: 'r',
        id: typeof id === 'number' ? id : -1,
        r: { ok: false, error: { code: 'bad_request', message: 'malformed message' } },
      });
      return;
    }
    const m = msg.data;
    if (m.t === 'q') {
      if (pending >= limits.maxPendingQueries) {
        send({
          t: 'r',
          id: m.id,
          r: {
            ok: false,
            error: {
              code: 'unavailable',
              message: `too many queries waiting for an answer on this connection (at most ${limits.maxPendingQueries}); wait for the answers and ask again`,
            },
          },
        });
        return;
      }
      pending += 1;
      void router
        .query(m.ch, m.p, { origin: 'headless' })
        .then(
          (r) => send({ t: 'r', id: m.id, r }),
          (error: unknown) =>
            send({
              t: 'r',
              id: m.id,
              r: { ok: false, error: { code: 'internal', message: String(error) } },
            }),
        )
        .finally(() => (pending -= 1));
    } else if (m.t === 'sub') {
      subscriptions.get(m.id)?.();
      subscriptions.delete(m.id);
      if (subscriptions.size >= limits.maxSubscriptions) {
        send({
          t: 'sub-err',
          id: m.id,
          error: {
            code: 'unavailable',
            message: `too many subscriptions on this connection (at most ${limits.maxSubscriptions}); end some first`,
          },
        });
        return;
      }
      const r = router.subscribe(m.ch, m.p, (e) => send({ t: 'ev', id: m.id, e }), {
        origin: 'headless',
      });
      if (!r.ok) send({ t: 'sub-err', id: m.id, error: r.error });
      // The subscription's first event may have cut the client off already.
      else if (cut) r.value();
      else subscriptions.set(m.id, r.value);
    } else {
      subscriptions.get(m.id)?.();
      subscriptions.delete(m.id);
    }
  });

  socket.on('close', endSubscriptions);
}
