/** The relay client's state machine with a fake clock and a fake websocket. */
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { RelayClient, type RelayClientOptions } from '../../../../electron/relay/relay-client';
import { FakeClock, FakeWebSocket, RecordingSink } from '../../../helpers/relay-fakes';

function setup(options: Partial<RelayClientOptions> = {}) {
  const clock = new FakeClock();
  const sink = new RecordingSink();
  const sockets: FakeWebSocket[] = [];
  const client = new RelayClient({
    url: 'ws://relay.test/events',
    token: 's3cret',
    sink,
    clock,
    random: () => 0.5,
    backoff: { baseMs: 100, capMs: 1000 },
    heartbeat: { intervalMs: 1000 },
    createWebSocket: (url, protocols, opts) => {
      const ws = new FakeWebSocket(url, protocols, opts);
      sockets.push(ws);
      return ws as unknown as WebSocket;
    },
    ...options,
  });
  const last = (): FakeWebSocket => sockets[sockets.length - 1]!;
  return { clock, sink, sockets, client, last };
}

describe('RelayClient', () => {
  it('connects with the subprotocol, the bearer token and the stored cursor', () => {
    const { client, sink, last } = setup();
    sink.cursor = '000000000042';
    client.start();
    const ws = last();
    expect(ws.protocols).toEqual(['cloudevents.json']);
    expect(ws.options.headers).toMatchObject({ Authorization: 'Bearer s3cret' });
    expect(new URL(ws.url).searchParams.get('after')).toBe('000000000042');
    expect(client.status.state).toEqual({ kind: 'connecting', attempt: 1 });
    ws.accept();
    expect(client.status.state.kind).toBe('live');
    expect(client.status.offlineSince).toBeNull();
    ws.deliver('{"a":1}');
    expect(sink.messages).toEqual(['{"a":1}']);
    expect(client.status.counters.received).toBe(1);
  });

  it('shows the relay URL without user info or query values, also in errors', () => {
    const { client, last } = setup({ url: 'ws://alice:hunter2@relay.test/events?access_token=Q' });
    client.start();
    // The link itself still gets the credentials.
    expect(last().url).toContain('access_token=Q');
    last().emit(
      'error',
      new Error('connect failed for ws://alice:hunter2@relay.test/events?access_token=Q'),
    );
    last().serverClose(1006);
    const shown = JSON.stringify(client.status);
    for (const secret of ['alice', 'hunter2', 'access_token=Q'])
      expect(shown).not.toContain(secret);
    expect(client.status.url).toBe('ws://[redacted]@relay.test/events?access_token=[redacted]');
  });

  it('backs off exponentially with full jitter up to the cap, and reports the next try', () => {
    const { client, clock, last, sockets } = setup();
    client.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = clock.now();
      last().serverClose(1006);
      const state = client.status.state;
      if (state.kind !== 'reconnecting')
        throw new Error(`expected reconnecting, got ${state.kind}`);
      expect(state.attempt).toBe(i + 2);
      delays.push(state.nextTryAt - before);
      const count = sockets.length;
      clock.advance(state.nextTryAt - before);
      expect(sockets.length).toBe(count + 1);
    }
    // random() = 0.5 → half of min(cap, base · 2^(n-1))
    expect(delays).toEqual([50, 100, 200, 400, 500, 500]);
    expect(client.status.offlineSince).not.toBeNull();
  });

  it('starts the backoff over once a connection delivers', () => {
    const { client, clock, last } = setup();
    client.start();
    last().serverClose(1006);
    clock.advance(50);
    last().serverClose(1006);
    clock.advance(100);
    last().accept();
    last().deliver('{}');
    last().serverClose(1012, 'relay restarting');
    const state = client.status.state;
    expect(state.kind === 'reconnecting' && state.nextTryAt - clock.now()).toBe(50);
  });

  it('stops retrying on HTTP 401 and says why', () => {
    const { client, clock, last, sockets } = setup();
    client.start();
    last().refuse(401);
    const state = client.status.state;
    expect(state.kind).toBe('auth-failed');
    expect(state.kind === 'auth-failed' && state.reason).toMatch(/HTTP 401/);
    expect(clock.timers.size).toBe(0);
    clock.advance(3_600_000);
    expect(sockets.length).toBe(1);
  });

  it('tries again after an auth failure only when asked to', () => {
    const { client, last, sockets } = setup();
    client.start();
    last().refuse(403);
    expect(client.status.state.kind).toBe('auth-failed');
    client.reconnectNow();
    expect(sockets.length).toBe(2);
    last().accept();
    expect(client.status.state.kind).toBe('live');
  });

  it('reports a websocket that cannot even be created and keeps to the backoff', () => {
    let calls = 0;
    const { client, clock } = setup({
      createWebSocket: () => {
        calls += 1;
        throw new SyntaxError('Invalid URL');
      },
    });
    client.start();
    const state = client.status.state;
    if (state.kind !== 'reconnecting') throw new Error(`expected reconnecting, got ${state.kind}`);
    expect(state.reason).toBe('Invalid URL');
    clock.advance(state.nextTryAt - clock.now());
    expect(calls).toBe(2);
  });

  it('stops retrying on an authentication close code', () => {
    const { client, clock, last } = setup();
    client.start();
    last().accept();
    last().serverClose(4401, 'token expired');
    expect(client.status.state.kind).toBe('auth-failed');
    expect(clock.timers.size).toBe(0);
  });

  it('refuses a relay that does not agree the subprotocol', () => {
    const { client, last } = setup();
    client.start();
    last().accept('something.else');
    expect(last().closedWith).toBe(1002);
    const state = client.status.state;
    expect(state.kind).toBe('reconnecting');
    expect(state.kind === 'reconnecting' && state.reason).toMatch(/subprotocol/);
  });

  it('notices a dead link: no pong by the next ping terminates and reconnects', () => {
    const { client, clock, last, sockets } = setup();
    client.start();
    const ws = last();
    ws.accept();
    clock.advance(1000);
    expect(ws.pings).toBe(1);
    ws.emit('pong');
    clock.advance(1000);
    expect(ws.pings).toBe(2);
    expect(ws.terminated).toBe(false);
    clock.advance(1000); // no pong for the second ping
    expect(ws.terminated).toBe(true);
    expect(client.status.state.kind).toBe('reconnecting');
    expect(client.status.lastError).toMatch(/no pong/);
    clock.advance(1000);
    expect(sockets.length).toBe(2);
  });

  it('counts bytes arriving as life: a large message on a slow link is not cut as a dead link', () => {
    const { client, clock, last, sockets } = setup();
    client.start();
    const ws = last();
    ws.accept();
    // 50 KB at 2 KB/s: 25 s of one frame, no whole message and no pong (it waits behind it).
    for (let t = 0; t < 25_000; t += 500) {
      clock.advance(500);
      ws.trickle(1000);
    }
    expect(ws.terminated).toBe(false);
    expect(sockets.length).toBe(1);
    ws.deliver('{"big":1}');
    // Once nothing arrives at all, the dead-link check still fires.
    clock.advance(3000);
    expect(ws.terminated).toBe(true);
  });

  it('reads messages up to a hard cap well above the contract limit, in many fragments', () => {
    const { client, last } = setup();
    client.start();
    const { maxPayload } = last().options as { maxPayload: number };
    expect(maxPayload).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    expect((last().options as { maxFragments?: number }).maxFragments).toBeGreaterThan(16_384);
  });

  it('stops the link with a clear status when the relay keeps sending a message past the cap', () => {
    const { client, clock, sink, last, sockets } = setup();
    sink.cursor = '000000000007';
    client.start();
    for (let i = 0; i < 3; i++) {
      last().accept();
      last().failReading('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
      if (i < 2) {
        expect(client.status.state.kind).toBe('reconnecting');
        clock.advance(1000);
      }
    }
    const state = client.status.state;
    expect(state.kind).toBe('stalled');
    expect(state.kind === 'stalled' && state.reason).toMatch(
      /after sequence 000000000007.*larger than/,
    );
    const count = sockets.length;
    clock.advance(60_000);
    expect(sockets.length).toBe(count); // no more retries: they would get the same message
    client.reconnectNow(); // the relay's operator removed it: try again when asked
    expect(sockets.length).toBe(count + 1);
  });

  it('does not call a link stalled when the unreadable message was a one-off', () => {
    const { client, clock, sink, last } = setup();
    client.start();
    last().accept();
    last().failReading('WS_ERR_TOO_MANY_BUFFERED_PARTS');
    clock.advance(1000);
    last().accept();
    sink.cursor = '000000000010'; // something was read and stored: the cursor moved on
    last().failReading('WS_ERR_TOO_MANY_BUFFERED_PARTS');
    clock.advance(1000);
    last().accept();
    last().failReading('WS_ERR_TOO_MANY_BUFFERED_PARTS');
    expect(client.status.state.kind).toBe('reconnecting');
  });

  it('pauses reading while the sink is full, without calling that a dead link', () => {
    const { client, clock, sink, last } = setup();
    client.start();
    const ws = last();
    ws.accept();
    sink.room = false;
    ws.deliver('{"n":1}');
    expect(ws.paused).toBe(true);
    expect(client.status.paused).toBe(true);
    clock.advance(5000);
    expect(ws.terminated).toBe(false);
    sink.drain();
    expect(ws.paused).toBe(false);
    expect(client.status.paused).toBe(false);
  });

  it('pauses reading at once when the sink fills without a push (the store cannot save)', () => {
    const { client, sink, last } = setup();
    client.start();
    const ws = last();
    ws.accept();
    ws.deliver('{"n":1}');
    expect(ws.paused).toBe(false);
    // Everything the relay had was read; the store then fails: no next message to answer to.
    sink.fill();
    expect(ws.paused).toBe(true);
    expect(client.status.paused).toBe(true);
    sink.drain();
    expect(ws.paused).toBe(false);
    expect(client.status.paused).toBe(false);
  });

  it('a sink that fills while the link is down holds the next link back', () => {
    const { client, clock, sink, last, sockets } = setup();
    client.start();
    last().accept();
    last().deliver('{"n":1}');
    last().serverClose(1006);
    // The store fails while the client waits to reconnect: no socket to pause yet.
    sink.fill();
    expect(client.status.paused).toBe(true);
    clock.advance(2000);
    expect(sockets.length).toBe(2);
    last().accept();
    expect(last().paused).toBe(true);
    expect(client.status.paused).toBe(true);
    sink.drain();
    expect(last().paused).toBe(false);
    expect(client.status.paused).toBe(false);
  });

  it('keeps reading held back across a reconnect while the sink is still full', () => {
    const { client, clock, sink, last, sockets } = setup();
    client.start();
    last().accept();
    sink.room = false;
    last().deliver('{"n":1}');
    expect(last().paused).toBe(true);
    // The relay drops the slow reader; the store is still behind.
    last().serverClose(1006);
    clock.advance(1000);
    expect(sockets.length).toBe(2);
    last().accept();
    expect(last().paused).toBe(true);
    expect(client.status.paused).toBe(true);
    sink.drain();
    expect(last().paused).toBe(false);
    expect(client.status.paused).toBe(false);
  });

  it('reconnectNow skips the wait; on a live link it probes with a ping', () => {
    const { client, clock, last, sockets } = setup({ backoff: { baseMs: 60_000, capMs: 60_000 } });
    client.start();
    last().serverClose(1006);
    expect(client.status.state.kind).toBe('reconnecting');
    client.reconnectNow();
    expect(sockets.length).toBe(2);
    expect(client.status.state).toEqual({ kind: 'connecting', attempt: 1 });
    const ws = last();
    ws.accept();
    client.reconnectNow();
    expect(ws.pings).toBe(1);
    clock.advance(1000); // no pong within the probe window
    expect(ws.terminated).toBe(true);
  });

  it('stop() closes the link and schedules nothing', async () => {
    const { client, clock, last } = setup();
    client.start();
    last().accept();
    await client.stop();
    expect(last().closedWith).toBe(1000);
    expect(client.status.state.kind).toBe('stopped');
    expect(clock.timers.size).toBe(0);
  });

  it('passes nothing on from a link stop() has let go of (the sink is closed after stop)', async () => {
    const { client, clock, sink, last } = setup();
    client.start();
    const ws = last();
    ws.accept();
    // A paused socket never reads the relay's close frame: stop() waits 2 s, then terminates,
    // and (like ws) the close event and the frames still buffered in the socket come later.
    ws.close = (code: number) => void (ws.closedWith = code);
    ws.terminate = () => void (ws.terminated = true);
    const stopped = client.stop();
    clock.advance(2000);
    await stopped;
    expect(ws.terminated).toBe(true);
    sink.push = () => {
      throw new Error('the ingest pipeline is closed');
    };
    expect(() => ws.deliver('{"buffered":1}')).not.toThrow();
    ws.serverClose(1006);
    expect(client.status.state.kind).toBe('stopped');
    expect(client.status.counters.received).toBe(0);
  });
});
