import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiRouter } from '../../../../electron/api/router';
import { startHeadlessHost, type HeadlessHost } from '../../../../electron/headless/headless-host';

const info = { version: '1', host: 'headless', demo: true, dataDir: '/d' } as const;
let host: HeadlessHost | undefined;
let dir: string | undefined;

afterEach(async () => {
  await host?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  host = undefined;
  dir = undefined;
});

async function start() {
  dir = mkdtempSync(join(tmpdir(), 'gateops-host-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(tmpdir(), 'gateops-secret.txt'), 'secret');
  const router = new ApiRouter();
  router.handle('app:info', () => info);
  router.handleSubscription('relay:status-watch', (_req, emit) => {
    emit({ state: 'live', demo: true, url: null });
    return () => undefined;
  });
  host = await startHeadlessHost({
    router,
    rendererDir: dir,
    port: 0,
    routes: [
      (req, res, ctx) => {
        if (!req.url?.startsWith('/download')) return false;
        res.writeHead(ctx.authorized(req) ? 200 : 403).end();
        return true;
      },
    ],
  });
  return host;
}

function get(h: HeadlessHost, path: string, hostHeader = `127.0.0.1:${h.port}`) {
  return new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request(
      { host: '127.0.0.1', port: h.port, path, headers: { host: hostHeader } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', fail);
    req.end();
  });
}

function connect(h: HeadlessHost, opts: { token?: string; origin?: string } = {}) {
  const token = opts.token ?? h.token;
  return new WebSocket(`ws://127.0.0.1:${h.port}/api?token=${encodeURIComponent(token)}`, {
    origin: opts.origin ?? h.origin,
  });
}

function refused(ws: WebSocket) {
  return new Promise<number>((done) => {
    ws.on('unexpected-response', (_req, res) => done(res.statusCode ?? 0));
    ws.on('open', () => done(101));
    ws.on('error', () => undefined);
  });
}

describe('headless host', () => {
  it('serves the renderer on 127.0.0.1 and prints a URL with the token in the fragment', async () => {
    const h = await start();
    expect(h.url).toBe(`http://127.0.0.1:${h.port}/#token=${h.token}`);
    expect(h.token.length).toBeGreaterThanOrEqual(40);
    expect((await get(h, '/')).body).toContain('<title>x</title>');
    expect((await get(h, '/nope.js')).status).toBe(404);
    expect((await get(h, '/../gateops-secret.txt')).status).toBe(404);
    expect((await get(h, '/%2e%2e/gateops-secret.txt')).status).toBe(404);
    expect((await get(h, '/', 'evil.example:80')).status).toBe(421);
  });

  it('passes requests to extra routes with a token check', async () => {
    const h = await start();
    expect((await get(h, '/download/x')).status).toBe(403);
    expect((await get(h, `/download/x?token=${h.token}`)).status).toBe(200);
  });

  it('refuses an API connection without the token or from another origin', async () => {
    const h = await start();
    expect(await refused(connect(h, { token: 'wrong' }))).toBe(403);
    expect(await refused(connect(h, { token: '' }))).toBe(403);
    expect(await refused(connect(h, { origin: 'http://evil.example' }))).toBe(403);
    expect(await refused(connect(h))).toBe(101);
  });

  it('carries queries and subscriptions with typed results', async () => {
    const h = await start();
    const ws = connect(h);
    const messages: any[] = [];
    const next = (n: number) =>
      new Promise<void>((done) => {
        const check = () => (messages.length >= n ? done() : ws.once('message', check));
        check();
      });
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((done) => ws.once('open', done));
    ws.send(JSON.stringify({ t: 'q', id: 1, ch: 'app:info', p: {} }));
    ws.send(JSON.stringify({ t: 'q', id: 2, ch: 'app:info', p: { extra: 1 } }));
    ws.send(JSON.stringify({ t: 'sub', id: 3, ch: 'relay:status-watch', p: {} }));
    ws.send('not json');
    await next(4);
    const byId = (id: number) => messages.find((m) => m.id === id);
    expect(byId(1)).toEqual({ t: 'r', id: 1, r: { ok: true, value: info } });
    expect(byId(2).r.error.code).toBe('bad_request');
    expect(byId(3)).toEqual({ t: 'ev', id: 3, e: { state: 'live', demo: true, url: null } });
    expect(byId(-1).r.error.code).toBe('bad_request');
    expect(h.connections()).toBe(1);
    ws.close();
  });
});
