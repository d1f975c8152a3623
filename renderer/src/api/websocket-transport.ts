/**
 * ApiTransport over headless mode's loopback websocket (shared/api/ws-protocol.ts). Survives a
 * dropped connection: it reconnects with backoff, re-sends every live subscription, and fails
 * queries that were in flight with `unavailable` (the caller may retry; nothing is replayed
 * behind its back). Queries made while disconnected wait for the connection.
 */
import { ApiCallError, type ApiResult } from '../../../shared/api/define';
import type { ApiTransport } from '../../../shared/api/methods';
import type { ClientMessage, ServerMessage } from '../../../shared/api/ws-protocol';

export type LinkState = 'connecting' | 'open' | 'closed';

interface Sub {
  channel: string;
  payload: unknown;
  listener: (event: unknown) => void;
  onError?: (error: ApiCallError) => void;
}

export interface WebSocketTransport extends ApiTransport {
  state(): LinkState;
  onState(listener: (state: LinkState) => void): () => void;
  close(): void;
}

/** The browser's WebSocket; tests pass a compatible one that can set an Origin. */
export type WebSocketLike = new (url: string) => WebSocket;

export function createWebSocketTransport(
  url: string,
  WebSocketImpl: WebSocketLike = WebSocket,
): WebSocketTransport {
  let ws: WebSocket | null = null;
  let state: LinkState = 'connecting';
  let nextId = 1;
  let retry = 0;
  let closed = false;
  const pending = new Map<number, (r: ApiResult<unknown>) => void>();
  const queued: ClientMessage[] = [];
  const subs = new Map<number, Sub>();
  const stateListeners = new Set<(s: LinkState) => void>();

  const setState = (s: LinkState): void => {
    if (s === state) return;
    state = s;
    for (const l of stateListeners) l(s);
  };

  const send = (msg: ClientMessage): void => {
    if (ws && ws.readyState === 1 /* OPEN */) ws.send(JSON.stringify(msg));
    else if (msg.t === 'q') queued.push(msg);
  };

  const connect = (): void => {
    if (closed) return;
    setState('connecting');
    const socket = new WebSocketImpl(url);
    ws = socket;
    socket.onopen = () => {
      retry = 0;
      setState('open');
      for (const [id, s] of subs)
        socket.send(JSON.stringify({ t: 'sub', id, ch: s.channel, p: s.payload }));
      for (const m of queued.splice(0)) socket.send(JSON.stringify(m));
    };
    socket.onmessage = (e: MessageEvent<string>) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(e.data) as ServerMessage;
      } catch {
        return;
      }
      if (msg.t === 'r') {
        const done = pending.get(msg.id);
        pending.delete(msg.id);
        done?.(msg.r as ApiResult<unknown>);
      } else if (msg.t === 'ev') {
        subs.get(msg.id)?.listener(msg.e);
      } else {
        const s = subs.get(msg.id);
        subs.delete(msg.id);
        s?.onError?.(new ApiCallError(msg.error));
      }
    };
    socket.onclose = () => {
      if (ws !== socket) return;
      ws = null;
      for (const [id, done] of pending) {
        // Queued (never sent) calls stay queued; sent ones get an answer now.
        if (!queued.some((q) => q.id === id)) {
          pending.delete(id);
          done({
            ok: false,
            error: { code: 'unavailable', message: 'connection to Gate Ops lost' },
          });
        }
      }
      if (closed) return;
      setState('closed');
      retry += 1;
      setTimeout(connect, Math.min(5000, 250 * 2 ** Math.min(retry, 5)));
    };
  };
  connect();

  return {
    query(channel, payload) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        send({ t: 'q', id, ch: channel, p: payload });
      });
    },
    subscribe(channel, payload, listener, onError) {
      const id = nextId++;
      subs.set(id, { channel, payload, listener, ...(onError ? { onError } : {}) });
      send({ t: 'sub', id, ch: channel, p: payload });
      return () => {
        if (subs.delete(id)) send({ t: 'unsub', id });
      };
    },
    state: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    close() {
      closed = true;
      ws?.close();
    },
  };
}
