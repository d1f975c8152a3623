/**
 * Issue 14 item 8: the headless API cannot be made to grow without bound. Subscriptions per
 * connection are capped (as IPC), queries being answered are capped, and a client that does not
 * read its replies is cut off (everything queued for it dropped, its subscriptions ended).
 */
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ApiEndpoint } from '../../../../electron/api';
import { bridgeSocket, type BridgeOptions } from '../../../../electron/headless/ws-api-bridge';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function serve(endpoint: ApiEndpoint, options: BridgeOptions): Promise<WebSocket> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws) => bridgeSocket(ws, endpoint, options));
  await new Promise<void>((done) => wss.once('listening', done));
  cleanups.push(
    () =>
      new Promise<void>((done) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => done());
      }),
  );
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  cleanups.push(() => ws.terminate());
  await new Promise((done) => ws.once('open', done));
  return ws;
}

type Msg = { t: string; id: number; r?: any; error?: any; e?: unknown };

function collect(ws: WebSocket): { messages: Msg[]; until: (n: number) => Promise<void> } {
  const messages: Msg[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d) => {
    messages.push(JSON.parse(String(d)) as Msg);
    for (const w of waiters.splice(0)) w();
  });
  const until = async (n: number): Promise<void> => {
    while (messages.length < n) await new Promise<void>((done) => waiters.push(done));
  };
  return { messages, until };
}

it('caps subscriptions per connection; an ended one frees its place', async () => {
  const live = new Set<number>();
  let next = 0;
  const endpoint: ApiEndpoint = {
    query: () => Promise.resolve({ ok: true, value: null }),
    subscribe: (_ch, _p, emit) => {
      const n = next++;
      live.add(n);
      emit({ n });
      return { ok: true, value: () => live.delete(n) };
    },
  };
  const ws = await serve(endpoint, { limits: { maxSubscriptions: 3 } });
  const { messages, until } = collect(ws);
  for (let id = 1; id <= 4; id++) ws.send(JSON.stringify({ t: 'sub', id, ch: 'x', p: {} }));
  await until(4);
  expect(messages.filter((m) => m.t === 'ev').map((m) => m.id)).toEqual([1, 2, 3]);
  const refused = messages.find((m) => m.t === 'sub-err');
  expect(refused).toMatchObject({ id: 4, error: { code: 'unavailable' } });
  expect(refused!.error.message).toMatch(/at most 3/);
  expect(live.size).toBe(3);
  ws.send(JSON.stringify({ t: 'unsub', id: 2 }));
  ws.send(JSON.stringify({ t: 'sub', id: 5, ch: 'x', p: {} }));
  await until(5);
  expect(messages[4]).toMatchObject({ t: 'ev', id: 5 });
  expect(live.size).toBe(3);
});

it('answers at most N queries at once; the rest get an immediate error', async () => {
  const release: Array<() => void> = [];
  let asked: () => void = () => undefined;
  const endpoint: ApiEndpoint = {
    query: () =>
      new Promise((done) => {
        release.push(() => done({ ok: true, value: 'answer' }));
        asked();
      }),
    subscribe: () => ({ ok: true, value: () => undefined }),
  };
  const ws = await serve(endpoint, { limits: { maxPendingQueries: 2 } });
  const { messages, until } = collect(ws);
  for (let id = 1; id <= 5; id++) ws.send(JSON.stringify({ t: 'q', id, ch: 'x', p: {} }));
  await until(3);
  expect(messages.map((m) => [m.id, m.r.error?.code])).toEqual([
    [3, 'unavailable'],
    [4, 'unavailable'],
    [5, 'unavailable'],
  ]);
  expect(release).toHaveLength(2);
  for (const r of release.splice(0)) r();
  await until(5);
  expect(messages.slice(3).map((m) => [m.id, m.r.value])).toEqual([
    [1, 'answer'],
    [2, 'answer'],
  ]);
  // Answered queries free their places.
  const reached = new Promise<void>((done) => (asked = done));
  ws.send(JSON.stringify({ t: 'q', id: 6, ch: 'x', p: {} }));
  await reached;
  release.splice(0)[0]!();
  await until(6);
  expect(messages[5]).toMatchObject({ id: 6, r: { ok: true, value: 'answer' } });
});

it('cuts off a client that sends queries and never reads the replies', async () => {
  const big = 'x'.repeat(256 * 1024);
  let subscriptionsEnded = 0;
  const endpoint: ApiEndpoint = {
    query: () => Promise.resolve({ ok: true, value: big }),
    subscribe: () => ({ ok: true, value: () => (subscriptionsEnded += 1) }),
  };
  let cutOff!: (reason: string) => void;
  const wasCut = new Promise<string>((done) => (cutOff = done));
  const lines: string[] = [];
  const ws = await serve(endpoint, {
    limits: { maxBuffered: 1024 * 1024 },
    log: (l) => lines.push(l),
    onCutOff: (r) => cutOff(r),
  });
  ws.send(JSON.stringify({ t: 'sub', id: 0, ch: 'x', p: {} }));
  // The client stops reading; it keeps sending.
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  let id = 1;
  let sending = true;
  const pump = (): void => {
    if (!sending) return;
    for (let i = 0; i < 20; i++) ws.send(JSON.stringify({ t: 'q', id: id++, ch: 'x', p: {} }));
    setImmediate(pump);
  };
  pump();
  const reason = await wasCut;
  sending = false;
  expect(reason).toMatch(/did not read/);
  expect(lines).toEqual([expect.stringMatching(/^api: a client was cut off/)]);
  expect(subscriptionsEnded).toBe(1);
  // Cut off long before all it asked for was answered: what it was owed is bounded.
  expect(id * big.length).toBeGreaterThan(1024 * 1024);
});
