/**
 * Carries the API router over one websocket connection: queries answered with typed results,
 * subscriptions forwarded as events and all of them ended when the socket closes. Malformed
 * messages get a typed error, never a crash.
 */
import type WebSocket from 'ws';
import { clientMessageSchema, type ServerMessage } from '../../shared/api/ws-protocol';
import type { ApiEndpoint } from '../api';

/** Stop pushing events to a client that does not read them (bytes queued on the socket). */
const MAX_BUFFERED = 8 * 1024 * 1024;

export function bridgeSocket(socket: WebSocket, router: ApiEndpoint): void {
  const subscriptions = new Map<number, () => void>();
  const send = (msg: ServerMessage): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (msg.t === 'ev' && socket.bufferedAmount > MAX_BUFFERED) return;
    socket.send(JSON.stringify(msg));
  };

  socket.on('message', (data, isBinary) => {
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
      void router
        .query(m.ch, m.p, { origin: 'headless' })
        .then((r) => send({ t: 'r', id: m.id, r }));
    } else if (m.t === 'sub') {
      subscriptions.get(m.id)?.();
      const r = router.subscribe(m.ch, m.p, (e) => send({ t: 'ev', id: m.id, e }), {
        origin: 'headless',
      });
      if (r.ok) subscriptions.set(m.id, r.value);
      else send({ t: 'sub-err', id: m.id, error: r.error });
    } else {
      subscriptions.get(m.id)?.();
      subscriptions.delete(m.id);
    }
  });

  socket.on('close', () => {
    for (const stop of subscriptions.values()) stop();
    subscriptions.clear();
  });
}
