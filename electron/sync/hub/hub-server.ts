/**
 * The venue hub: a TLS websocket server (the hub's self-signed certificate, pinned by joining
 * laptops through the join code) that serves RxDB's replication protocol for the synced
 * collections to every paired laptop, and keeps the team roster (who is joined, their link and
 * counts) that every laptop shows in its Team view.
 */
import type { Server } from 'node:https';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { RxCollection } from 'rxdb';
import { WebSocketServer, type WebSocket } from 'ws';
import { formatJoinCode, type JoinCode } from '../pairing/join-code';
import type { TlsIdentity } from '../pairing/certificate';
import type { SyncCollectionName } from '../sync-collections';
import type { Subscription } from 'rxjs';
import { CLOSE, type HubFrame, type LaptopStatus, type TeamMember } from '../wire/frames';
import { guardedHandler, type ChangeBatch, type GuardedHandler } from './guarded-handler';
import { PeerLink, type PairingState, type PeerLimits } from './peer-link';

// As electron/headless/headless-host.ts: no ES import of a node:http(s) facade (it loads undici).
const { createServer } = process.getBuiltinModule('node:https');

export const SYNC_PATH = '/venue-sync';

export interface HubServerOptions {
  readonly laptopId: string;
  readonly name: () => string;
  readonly tls: TlsIdentity;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly collections: Readonly<Record<SyncCollectionName, RxCollection<any>>>;
  readonly pairing: PairingState;
  /** Called with the new pairing state when a new code is issued (to persist it). */
  readonly onPairingChanged?: (p: PairingState) => Promise<void> | void;
  /** Address to listen on: '0.0.0.0' for the venue LAN, '127.0.0.1' for tests. */
  readonly host: string;
  readonly port: number;
  /** The hub laptop's own status (its relay link, counts) for the roster. */
  readonly localStatus: () => LaptopStatus;
  readonly limits?: Partial<PeerLimits> & { readonly maxFrameBytes?: number };
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export interface HubEvents {
  readonly team: () => void;
}

const DEFAULT_LIMITS: PeerLimits = {
  burst: 400,
  perSecond: 200,
  inFlight: 16,
  authTimeoutMs: 10_000,
};
const DEFAULT_MAX_FRAME = 16 * 1024 * 1024;

export class HubServer {
  private readonly peers = new Set<PeerLink>();
  /** Every laptop seen since the hub started: laptopId → last known. */
  private readonly roster = new Map<string, TeamMember>();
  private pairingState: PairingState;
  private readonly handlers: Map<SyncCollectionName, GuardedHandler>;
  private readonly listeners = new Set<() => void>();
  private readonly changeSubs: Subscription[] = [];
  private teamTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  readonly replicationId: string;
  /** Bytes on the wire of closed peer links (open ones are read from their sockets). */
  private closedBytes = { sent: 0, received: 0 };

  private constructor(
    private readonly options: HubServerOptions,
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
  ) {
    this.pairingState = options.pairing;
    this.replicationId = `${options.laptopId}.${options.tls.fingerprint.slice(0, 16)}`;
    this.handlers = new Map(
      (Object.keys(options.collections) as SyncCollectionName[]).map((n) => [
        n,
        guardedHandler(n, options.collections[n]),
      ]),
    );
    for (const [c, handler] of this.handlers) {
      this.changeSubs.push(handler.changes$.subscribe((batch) => this.fanOut(c, batch)));
    }
  }

  /**
   * Sends one change to every peer that follows the collection. The peer whose push it is holds
   * those documents already: it gets the checkpoint alone, so its replication still moves past
   * them. Each frame is serialized once for all peers.
   */
  private fanOut(c: SyncCollectionName, batch: ChangeBatch): void {
    if (batch.documents.length === 0 || batch.checkpoint === null) return;
    let full: string | null = null;
    let own: string | null = null;
    for (const p of this.peers) {
      if (!p.follows(c)) continue;
      if (batch.origin !== null && p.laptopId === batch.origin) {
        own ??= JSON.stringify(changeFrame(c, [], batch.checkpoint));
        p.sendText(own);
      } else {
        full ??= JSON.stringify(changeFrame(c, batch.documents, batch.checkpoint));
        p.sendText(full);
      }
    }
  }

  static async start(options: HubServerOptions): Promise<HubServer> {
    const server = createServer({
      key: options.tls.keyPem,
      cert: options.tls.certPem,
      minVersion: 'TLSv1.3',
    });
    // Plain HTTP on the sync port is answered with nothing useful.
    server.on('request', (_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('Gate Ops venue sync\n');
    });
    const wss = new WebSocketServer({
      server,
      path: SYNC_PATH,
      maxPayload: options.limits?.maxFrameBytes ?? DEFAULT_MAX_FRAME,
      perMessageDeflate: { threshold: 1024 },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const hub = new HubServer(options, server, wss, (server.address() as AddressInfo).port);
    wss.on('connection', (ws, req) => hub.accept(ws, req.socket as TLSSocket));
    // A socket error before the upgrade (a port scan, a TLS client that gives up) is no fault.
    server.on('tlsClientError', () => undefined);
    hub.roster.set(options.laptopId, hub.selfMember());
    return hub;
  }

  private get now(): () => number {
    return this.options.now ?? Date.now;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  get pairing(): PairingState {
    return this.pairingState;
  }

  /** The join code: this hub's LAN addresses (or the bound one), port, secret and fingerprint. */
  joinCode(): JoinCode {
    return {
      addresses: hubAddresses(this.options.host),
      port: this.port,
      generation: this.pairingState.generation,
      secret: this.pairingState.secret,
      fingerprint: this.options.tls.fingerprint,
    };
  }

  joinCodeText(): string {
    return formatJoinCode(this.joinCode());
  }

  /** Issues a new code: every laptop paired with the old one is cut and must pair again. */
  async rotateCode(secret: string): Promise<void> {
    const retired = new Map(this.pairingState.retired);
    retired.set(this.pairingState.generation, this.now());
    this.pairingState = { secret, generation: this.pairingState.generation + 1, retired };
    await this.options.onPairingChanged?.(this.pairingState);
    for (const peer of [...this.peers]) {
      peer.cut(CLOSE.replaced, 'the hub issued a new join code');
    }
  }

  /** Connected laptops and every laptop seen, the hub first. */
  team(): TeamMember[] {
    this.roster.set(this.options.laptopId, this.selfMember());
    return [...this.roster.values()].sort((a, b) =>
      a.role !== b.role ? (a.role === 'hub' ? -1 : 1) : a.name.localeCompare(b.name),
    );
  }

  onTeamChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Bytes sent/received over every peer link since start (TLS records included). */
  wireBytes(): { sent: number; received: number } {
    let sent = this.closedBytes.sent;
    let received = this.closedBytes.received;
    for (const p of this.peers) {
      sent += p.socket.bytesWritten;
      received += p.socket.bytesRead;
    }
    return { sent, received };
  }

  get connectedPeers(): number {
    let n = 0;
    for (const p of this.peers) if (p.authenticated) n += 1;
    return n;
  }

  /** Re-sends the roster now (the hub's own status changed). */
  statusChanged(): void {
    this.scheduleTeam();
  }

  private selfMember(): TeamMember {
    return {
      laptopId: this.options.laptopId,
      name: this.options.name(),
      role: 'hub',
      connected: true,
      lastContactAt: this.now(),
      status: this.options.localStatus(),
    };
  }

  private accept(ws: WebSocket, socket: TLSSocket): void {
    if (this.closing) {
      ws.close(CLOSE.shuttingDown, 'the hub is stopping');
      return;
    }
    const peer = new PeerLink(ws, socket, socket.remoteAddress ?? '?', {
      hubId: this.options.laptopId,
      hubName: this.options.name(),
      replicationId: this.replicationId,
      pairing: () => this.pairingState,
      handlers: this.handlers,
      simulated: this.options.localStatus().simulated,
      limits: { ...DEFAULT_LIMITS, ...this.options.limits },
      now: this.now,
      log: (l) => this.log(l),
      onAuthenticated: (p) => {
        // One link per laptop: a laptop that reconnects replaces its stale link.
        for (const other of this.peers) {
          if (other !== p && other.authenticated && other.laptopId === p.laptopId) {
            other.cut(CLOSE.replaced, 'the same laptop connected again');
          }
        }
        const known = this.roster.get(p.laptopId);
        this.roster.set(p.laptopId, {
          laptopId: p.laptopId,
          name: p.name,
          role: 'joined',
          connected: true,
          lastContactAt: this.now(),
          status: known?.status ?? null,
        });
        this.scheduleTeam(true);
      },
      onStatus: (p, status) => {
        this.roster.set(p.laptopId, {
          laptopId: p.laptopId,
          name: p.name,
          role: 'joined',
          connected: true,
          lastContactAt: this.now(),
          status,
        });
        this.scheduleTeam();
      },
      onClosed: (p) => {
        this.peers.delete(p);
        this.closedBytes.sent += p.socket.bytesWritten;
        this.closedBytes.received += p.socket.bytesRead;
        if (!p.authenticated) return;
        const stillConnected = [...this.peers].some(
          (o) => o.authenticated && o.laptopId === p.laptopId,
        );
        const known = this.roster.get(p.laptopId);
        if (known && !stillConnected) {
          this.roster.set(p.laptopId, { ...known, connected: false, lastContactAt: this.now() });
          this.log(`venue sync: ${p.label} left`);
          this.scheduleTeam(true);
        }
      },
    });
    this.peers.add(peer);
  }

  /** Roster changes are sent at most every 500 ms (immediately for joins and leaves). */
  private scheduleTeam(now = false): void {
    if (this.teamTimer && !now) return;
    if (this.teamTimer) clearTimeout(this.teamTimer);
    const send = () => {
      this.teamTimer = null;
      const laptops = this.team();
      const at = this.now();
      for (const p of this.peers) if (p.authenticated) p.send({ t: 'team', laptops, at });
      for (const l of this.listeners) l();
    };
    if (now) send();
    else {
      this.teamTimer = setTimeout(send, 500);
      this.teamTimer.unref();
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.teamTimer) clearTimeout(this.teamTimer);
      for (const s of this.changeSubs) s.unsubscribe();
      for (const p of [...this.peers]) p.cut(CLOSE.shuttingDown, 'the hub is stopping');
      for (const client of this.wss.clients) client.terminate();
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
    })();
    return this.closing;
  }
}

function changeFrame(
  c: SyncCollectionName,
  documents: ChangeBatch['documents'],
  checkpoint: NonNullable<ChangeBatch['checkpoint']>,
): HubFrame {
  return { t: 'change', c, documents: documents as Array<Record<string, unknown>>, checkpoint };
}

/** Addresses to put in the join code: the bound one, or every non-internal IPv4 of this laptop. */
export function hubAddresses(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (!a.internal && a.family === 'IPv4') out.push(a.address);
    }
  }
  return out.length > 0 ? out.slice(0, 8) : ['127.0.0.1'];
}
