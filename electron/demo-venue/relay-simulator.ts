/**
 * The relay simulator: a CloudEvents WebSocket relay for tests, benchmarks and the demo default.
 * It generates a venue's traffic (see event-generator.ts) into its history and streams the
 * history to each client from the client's `?after=` cursor, as fast as the client's socket takes
 * it (sends wait on the socket's write callbacks, so a slow reader slows the relay, not its
 * memory). Faults: drop the link every N messages, stall (no data, no pongs), restart.
 */
import { timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CLOUDEVENTS_SUBPROTOCOL } from '../relay';
import { EventGenerator, type GeneratorOptions, type Ledger } from './event-generator';
import { RelayHistory } from './relay-history';
import { Subscriber } from './relay-subscriber';

// Not `import { createServer } from 'node:http'`: an ES import of a built-in makes Node build
// its ES facade, which reads every export, and node:http's lazy WebSocket getters then load
// undici (70-90 ms of CPU at every start, for a class the app never uses).
const { createServer } = process.getBuiltinModule('node:http');

export interface RelayFaults {
  /** Close each connection after it has sent this many messages. */
  readonly dropEvery?: number;
  /** 'terminate' cuts the TCP connection without a close frame (a network loss); default 'close' (1012). */
  readonly dropMode?: 'close' | 'terminate';
  /** Stall each connection (no data, no pongs) after this many messages, for `stallMs`. */
  readonly stallEvery?: number;
  readonly stallMs?: number;
}

export interface RelaySimulatorOptions extends GeneratorOptions {
  readonly port?: number;
  readonly host?: string;
  /** Bearer token clients must present; a wrong one gets HTTP 401. */
  readonly token: string;
  /** Live events per second generated into the history (0: none). */
  readonly rate?: number;
  /** Shape the live rate like doors opening: ramp up, peak, tail (cycles every `curveMinutes`). */
  readonly arrivalCurve?: boolean;
  readonly curveMinutes?: number;
  /** Messages generated up front, as if the relay had been buffering while nobody listened. */
  readonly backlog?: number;
  /** How far back the backlog's timestamps reach, ending now (default 2 h). */
  readonly backlogSpanMs?: number;
  /** Stop generating after this many messages in all. */
  readonly maxEvents?: number;
  readonly faults?: RelayFaults;
  /** false: accept the upgrade without agreeing the subprotocol (to test clients that must refuse). */
  readonly agreeSubprotocol?: boolean;
  /** Bytes a connection may have in flight before sending waits (default 1 MiB). */
  readonly highWaterBytes?: number;
  readonly clock?: () => number;
  /** Sequences start after this number (the demo relay continues after a stored cursor). */
  readonly sequenceBase?: number;
}

export interface RelaySimulatorEvents {
  appended: [count: number];
  connection: [after: string | null];
  disconnect: [];
}

export class RelaySimulator extends EventEmitter<RelaySimulatorEvents> {
  readonly generator: EventGenerator;
  readonly history: RelayHistory;
  /** Messages sent over all connections, replays included. */
  sentCount = 0;
  connectionCount = 0;
  /** Upgrade requests refused (wrong token, no subprotocol, wrong path). */
  refusedCount = 0;
  port = 0;
  private readonly options: RelaySimulatorOptions;
  private readonly clock: () => number;
  private server: Server | null = null;
  private readonly wss: WebSocketServer;
  private readonly subscribers = new Set<Subscriber>();
  private liveTimer: NodeJS.Timeout | null = null;
  private liveStartedAt = 0;
  private liveGenerated = 0;
  private stopped = false;

  constructor(options: RelaySimulatorOptions) {
    super();
    this.options = options;
    this.clock = options.clock ?? Date.now;
    this.generator = new EventGenerator(options);
    this.history = new RelayHistory(options.sequenceBase ?? 0);
    this.wss = new WebSocketServer({
      noServer: true,
      autoPong: false,
      maxPayload: 1024 * 1024,
      handleProtocols: (protocols) =>
        options.agreeSubprotocol === false
          ? false
          : protocols.has(CLOUDEVENTS_SUBPROTOCOL)
            ? CLOUDEVENTS_SUBPROTOCOL
            : false,
    });
  }

  get ledger(): Ledger {
    return this.generator.ledger;
  }

  get url(): string {
    return `ws://${this.options.host ?? '127.0.0.1'}:${this.port}/events`;
  }

  async start(): Promise<void> {
    if (this.history.length === 0 && (this.options.backlog ?? 0) > 0) {
      this.generateBacklog(this.options.backlog ?? 0);
    }
    await this.listen(this.options.port ?? 0);
    if ((this.options.rate ?? 0) > 0) this.startLive();
  }

  /** Appends `count` messages now (timestamps: now). Returns how many were appended. */
  generate(count: number): number {
    const limit = this.remaining();
    const n = Math.min(count, limit);
    const now = this.clock();
    for (let i = 0; i < n; i++) {
      const m = this.generator.next(now);
      this.history.append(m.event, m.raw);
    }
    if (n > 0) this.appended();
    return n;
  }

  /** Appends one raw message exactly as given (e.g. a hand-made event in a test). */
  appendRaw(text: string): string {
    const sequence = this.history.append(null, text);
    this.appended();
    return sequence;
  }

  /** Stalls every open connection for `ms`: no data, no pongs (a half-dead link). */
  stall(ms: number): void {
    for (const s of this.subscribers) s.stall(ms);
  }

  /** Drops every open connection (close code 1012, or a TCP cut with 'terminate'). */
  dropAll(mode: 'close' | 'terminate' = 'close'): void {
    for (const s of this.subscribers) s.drop(mode);
  }

  /** Stops listening and drops every client, then listens again on the same port; history is kept. */
  async restart(downMs = 0): Promise<void> {
    await this.closeServer();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    if (!this.stopped) await this.listen(this.port);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.liveTimer) clearInterval(this.liveTimer);
    this.liveTimer = null;
    await this.closeServer();
    this.wss.close();
  }

  private remaining(): number {
    const max = this.options.maxEvents ?? Number.POSITIVE_INFINITY;
    return Math.max(0, max - this.history.length);
  }

  private appended(): void {
    for (const s of this.subscribers) s.pump();
    this.emit('appended', this.history.length);
  }

  private generateBacklog(count: number): void {
    const n = Math.min(count, this.remaining());
    const end = this.clock();
    const span = this.options.backlogSpanMs ?? 2 * 3600_000;
    for (let i = 0; i < n; i++) {
      // Spread like an arrival curve: dense in the middle (the peak), thin at the ends.
      const x = (i + 0.5) / n;
      const shaped = x < 0.5 ? 2 * x * x : 1 - 2 * (1 - x) * (1 - x);
      const m = this.generator.next(end - span + Math.floor(shaped * span));
      this.history.append(m.event, m.raw);
    }
  }

  private startLive(): void {
    const rate = this.options.rate ?? 0;
    this.liveStartedAt = this.clock();
    this.liveGenerated = 0;
    let credit = 0;
    let last = this.liveStartedAt;
    this.liveTimer = setInterval(() => {
      const now = this.clock();
      credit += ((now - last) / 1000) * rate * this.curveFactor(now);
      last = now;
      const whole = Math.floor(credit);
      if (whole <= 0) return;
      credit -= whole;
      this.liveGenerated += this.generate(whole);
    }, 10);
    this.liveTimer.unref();
  }

  /** Doors open (ramp), peak, tail: a smooth cycle between 0.15× and 1.6× the nominal rate. */
  private curveFactor(now: number): number {
    if (!this.options.arrivalCurve) return 1;
    const period = (this.options.curveMinutes ?? 30) * 60_000;
    const phase = ((now - this.liveStartedAt) % period) / period;
    return 0.15 + 1.45 * Math.sin(Math.PI * phase) ** 2;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('websocket only\n');
    });
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private async closeServer(): Promise<void> {
    for (const s of this.subscribers) s.drop('terminate');
    this.subscribers.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://relay');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (url.pathname !== '/events') {
      this.refusedCount += 1;
      return refuse(socket, 404, 'Not Found');
    }
    if (!tokenMatches(req.headers.authorization, this.options.token)) {
      this.refusedCount += 1;
      return refuse(socket, 401, 'Unauthorized', 'WWW-Authenticate: Bearer realm="relay"\r\n');
    }
    if (!offered.includes(CLOUDEVENTS_SUBPROTOCOL)) {
      this.refusedCount += 1;
      return refuse(socket, 400, 'Bad Request');
    }
    const after = url.searchParams.get('after');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.connectionCount += 1;
      const subscriber = new Subscriber(this, ws, this.history.indexAfter(after));
      this.subscribers.add(subscriber);
      ws.on('close', () => {
        this.subscribers.delete(subscriber);
        this.emit('disconnect');
      });
      this.emit('connection', after);
      subscriber.pump();
    });
  }

  /** @internal used by Subscriber */
  faults(): RelayFaults {
    return this.options.faults ?? {};
  }

  /** @internal used by Subscriber */
  highWater(): number {
    return this.options.highWaterBytes ?? 1024 * 1024;
  }

  /** @internal used by Subscriber */
  countSent(): void {
    this.sentCount += 1;
  }
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function refuse(socket: Duplex, status: number, text: string, extra = ''): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}

export async function startRelaySimulator(options: RelaySimulatorOptions): Promise<RelaySimulator> {
  const relay = new RelaySimulator(options);
  await relay.start();
  return relay;
}
