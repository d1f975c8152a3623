/**
 * Headless host: serves the built renderer on 127.0.0.1 and carries the API over a loopback
 * websocket. Only this machine can reach it, and only a page that knows the per-run token: the
 * token travels in the URL fragment (never sent to the server by the browser, not logged) and the
 * renderer hands it back on the websocket URL. The Origin must be this host, and the Host header
 * must name the loopback address (no DNS rebinding). Extra HTTP routes (e.g. report downloads)
 * plug in through `routes`; they see the request first and get the token check helper.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { HEADLESS_API_PATH } from '../../shared/api/ws-protocol';
import type { ApiEndpoint } from '../api';
import { serveStatic } from './static-files';
import { bridgeSocket, type BridgeOptions } from './ws-api-bridge';

// Not `import { createServer } from 'node:http'`: an ES import of a built-in makes Node build
// its ES facade, which reads every export, and node:http's lazy WebSocket getters then load
// undici (70-90 ms of CPU at every start, for a class the app never uses).
const { createServer } = process.getBuiltinModule('node:http');

export interface HostRouteContext {
  /** True when the request carries this run's token (`?token=` or `Authorization: Bearer`). */
  readonly authorized: (req: IncomingMessage) => boolean;
}

/** Handles a request and returns true, or returns false to let the next route try. */
export type HostRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HostRouteContext,
) => boolean;

export interface HeadlessHostOptions {
  readonly router: ApiEndpoint;
  /** The built renderer folder (out/renderer). */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly routes?: ReadonlyArray<HostRoute>;
  /** Defaults to 32 random bytes; tests may fix it. */
  readonly token?: string;
  /** Caps per API connection (subscriptions, queries in flight, bytes queued). */
  readonly limits?: BridgeOptions['limits'];
  /** One line per API client cut off for not reading. */
  readonly log?: (line: string) => void;
}

export interface HeadlessHost {
  readonly port: number;
  readonly origin: string;
  readonly token: string;
  /** The address to open: origin plus the token in the fragment. */
  readonly url: string;
  /** Open API connections. */
  connections(): number;
  /**
   * Drops every API connection (close code 1012, service restart): the page reconnects and
   * subscribes again, now to the new core's data (after a restart on another relay target).
   */
  reconnectClients(): void;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startHeadlessHost(options: HeadlessHostOptions): Promise<HeadlessHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const root = resolve(options.rendererDir);
  let port = 0;
  const allowedHosts = (): Set<string> => new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = (): Set<string> =>
    new Set([`http://${HOST}:${port}`, `http://localhost:${port}`]);

  const authorized = (req: IncomingMessage): boolean => {
    const url = new URL(req.url ?? '/', 'http://x');
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7) : null;
    return sameToken(url.searchParams.get('token') ?? bearer, token);
  };
  const ctx: HostRouteContext = { authorized };

  const server = createServer((req, res) => {
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('misdirected request\n');
      return;
    }
    try {
      for (const route of options.routes ?? []) if (route(req, res, ctx)) return;
      if (serveStatic(root, req, res)) return;
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const ok =
      url.pathname === HEADLESS_API_PATH &&
      allowedHosts().has(req.headers.host ?? '') &&
      allowedOrigins().has(req.headers.origin ?? '') &&
      sameToken(url.searchParams.get('token'), token);
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) =>
      bridgeSocket(ws, options.router, {
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.log ? { log: options.log } : {}),
      }),
    );
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', fail);
      done();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    port,
    origin,
    token,
    url: `${origin}/#token=${token}`,
    connections: () => wss.clients.size,
    reconnectClients() {
      for (const c of wss.clients) c.close(1012, 'Gate Ops restarted its core');
    },
    close() {
      closing ??= new Promise<void>((done) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => done());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
