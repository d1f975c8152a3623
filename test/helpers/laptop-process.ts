/**
 * A Gate Ops laptop as its own process (`gate-ops headless`) for the venue-sync tests: spawned
 * with the given flags, its JSON lines on stdout read as signals (ready, sync state, check-in
 * count), stopped with SIGTERM or killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import {
  createWebSocketTransport,
  type WebSocketLike,
} from '../../renderer/src/api/websocket-transport';
import { buildApi, type GateOpsApi } from '../../shared/api/methods';
import { HEADLESS_API_PATH } from '../../shared/api/ws-protocol';
import { runCli } from './cli';
import { TOKEN } from './relay';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gate-ops.mjs');

export interface SyncLine {
  role: 'off' | 'hub' | 'joined';
  link: string | null;
  reason: string | null;
  joinCode: string | null;
  port: number | null;
  laptops: number;
  checkins: number;
  pending: number;
  /** NATS sync (null: off): its link state and each venue's freshness (ms, null: none heard). */
  nats?: {
    link: string;
    venues: Array<{ venue: string; asOf: number | null }>;
  } | null;
}

export interface LaptopProcess {
  readonly child: ChildProcess;
  readonly lines: SyncLine[];
  /** Resolves with the first sync line (past or future) that matches. */
  sync(match: (s: SyncLine) => boolean): Promise<SyncLine>;
  /** The dashboard's address (with its token), when started with `--port`. */
  dashboard(): Promise<string>;
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
  kill(): Promise<void>;
  stderr(): string;
}

export function startLaptop(dataDir: string, args: string[]): LaptopProcess {
  const child = spawn(process.execPath, [BIN, 'headless', '--data-dir', dataDir, ...args], {
    env: { ...process.env, GATE_OPS_RELAY_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const lines: SyncLine[] = [];
  const waiters: Array<{ match: (s: SyncLine) => boolean; resolve: (s: SyncLine) => void }> = [];
  let dashboardUrl = (_url: string): void => undefined;
  const dashboard = new Promise<string>((resolve) => (dashboardUrl = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let msg: { sync?: SyncLine; url?: string };
    try {
      msg = JSON.parse(line) as { sync?: SyncLine; url?: string };
    } catch {
      return;
    }
    if (typeof msg.url === 'string') dashboardUrl(msg.url);
    if (!msg.sync) return;
    lines.push(msg.sync);
    for (const w of [...waiters]) {
      if (w.match(msg.sync)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg.sync);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    lines,
    exited,
    stderr: () => err,
    dashboard: () =>
      Promise.race([
        dashboard,
        exited.then((): never => {
          throw new Error(`laptop ${args.join(' ')} exited first:\n${err.slice(-2000)}`);
        }),
      ]),
    sync: (match) =>
      new Promise<SyncLine>((resolve, reject) => {
        const seen = lines.find(match);
        if (seen) return resolve(seen);
        waiters.push({ match, resolve });
        void exited.then(() =>
          reject(new Error(`laptop ${args.join(' ')} exited first:\n${err.slice(-2000)}`)),
        );
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** `gate-ops stats --json` of a data folder (run when the laptop has stopped or is running). */
export async function laptopStats(dataDir: string): Promise<Record<string, any>> {
  const r = await runCli(['stats', '--data-dir', dataDir, '--json']);
  if (r.code !== 0) throw new Error(`stats failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, any>;
}

/** A TCP proxy in front of the relay whose link can be cut (and refused) and restored. */
export async function cuttableProxy(targetPort: number): Promise<{
  url: (path: string) => string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}> {
  let down = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const done = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The typed API of a running laptop's dashboard (`--port`), over its loopback websocket with
 * the token and the Origin its own page would send. `close()` ends the connection.
 */
export function laptopApi(dashboardUrl: string): { api: GateOpsApi; close(): void } {
  const page = new URL(dashboardUrl);
  const token = new URLSearchParams(page.hash.slice(1)).get('token') ?? '';
  const origin = page.origin;
  const Socket = class extends WebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  } as unknown as WebSocketLike;
  const transport = createWebSocketTransport(
    `ws://${page.host}${HEADLESS_API_PATH}?token=${encodeURIComponent(token)}`,
    Socket,
  );
  return { api: buildApi(transport), close: () => transport.close() };
}
