import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiRouter } from '../../../../../electron/api/router';
import {
  startHeadlessHost,
  type HeadlessHost,
} from '../../../../../electron/headless/headless-host';
import { buildApi } from '../../../../../shared/api';
import {
  createWebSocketTransport,
  type LinkState,
  type WebSocketLike,
} from '../../../../../renderer/src/api/websocket-transport';

const TOKEN = 'transport-test-token-0123456789abcdef';
let host: HeadlessHost | undefined;
const dir = mkdtempSync(join(tmpdir(), 'gateops-transport-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html>');

afterEach(async () => {
  await host?.close();
});

function router(state: { n: number }) {
  const r = new ApiRouter();
  r.handle('app:info', () => ({
    version: String(state.n),
    host: 'headless' as const,
    demo: false,
    dataDir: '',
  }));
  r.handleSubscription('relay:status-watch', (_req, emit) => {
    emit({ state: 'live', demo: false, url: `n${state.n}` });
    return () => undefined;
  });
  return r;
}

/** ws's client with the Origin a browser would send for the host's page. */
function originSocket(origin: () => string): WebSocketLike {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { origin: origin() });
    }
  } as unknown as WebSocketLike;
}

function waitFor<T>(get: () => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const tick = () => {
      const v = get();
      if (v !== undefined) resolve(v);
      else setImmediate(tick);
    };
    tick();
  });
}

describe('websocket transport (renderer → headless host)', () => {
  it('carries queries and subscriptions, and resubscribes after the host comes back', async () => {
    const state = { n: 1 };
    host = await startHeadlessHost({
      router: router(state),
      rendererDir: dir,
      port: 0,
      token: TOKEN,
    });
    const port = host.port;
    const transport = createWebSocketTransport(
      `ws://127.0.0.1:${port}/api?token=${TOKEN}`,
      originSocket(() => `http://127.0.0.1:${port}`),
    );
    const states: LinkState[] = [];
    transport.onState((s) => states.push(s));
    const api = buildApi(transport);
    expect((await api.getAppInfo({})).version).toBe('1');
    const seen: string[] = [];
    const stop = api.watchRelayStatus({}, (s) => seen.push(s.url ?? ''));
    await waitFor(() => (seen.length === 1 ? true : undefined));

    // The host goes away and comes back on the same port: the subscription is sent again.
    await host.close();
    await waitFor(() =>
      transport.state() === 'closed' || transport.state() === 'connecting' ? true : undefined,
    );
    state.n = 2;
    host = await startHeadlessHost({ router: router(state), rendererDir: dir, port, token: TOKEN });
    await waitFor(() => (seen.includes('n2') ? true : undefined));
    expect(seen).toEqual(['n1', 'n2']);
    expect(states).toContain('closed');
    expect(transport.state()).toBe('open');
    expect((await api.getAppInfo({})).version).toBe('2');
    stop();
    transport.close();
  });

  it('fails a query in flight when the connection drops, with a typed error', async () => {
    let release: (() => void) | undefined;
    const r = new ApiRouter();
    r.handle(
      'app:info',
      () =>
        new Promise(
          (resolve) =>
            (release = () => resolve({ version: 'x', host: 'headless', demo: false, dataDir: '' })),
        ),
    );
    host = await startHeadlessHost({ router: r, rendererDir: dir, port: 0, token: TOKEN });
    const port = host.port;
    const transport = createWebSocketTransport(
      `ws://127.0.0.1:${port}/api?token=${TOKEN}`,
      originSocket(() => `http://127.0.0.1:${port}`),
    );
    await waitFor(() => (transport.state() === 'open' ? true : undefined));
    const pending = buildApi(transport).getAppInfo({});
    // The host is handling the query (not just connected) when it goes away.
    const inFlight = await waitFor(() => release);
    expect(host.connections()).toBe(1);
    const closing = host.close();
    inFlight();
    await closing;
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' });
    transport.close();
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
