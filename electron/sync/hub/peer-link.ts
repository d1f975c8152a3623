/**
 * One joined laptop's link on the hub: the pairing handshake, then its requests. Everything a
 * peer sends is parsed and bounded before it is acted on; whatever goes wrong with one peer
 * (a malformed frame, a document that breaks the schema, too many requests) closes that peer's
 * link only, with a reason both sides log.
 */
import type { TLSSocket } from 'node:tls';
import type { WebSocket } from 'ws';
import { channelBinding, newNonce, pairingProof, proofMatches } from '../pairing/handshake';
import { syncSchemaVersions, type SyncCollectionName } from '../sync-collections';
import {
  CLOSE,
  PROTOCOL_VERSION,
  laptopFrameSchema,
  parseFrame,
  type HubFrame,
  type LaptopFrame,
  type LaptopStatus,
} from '../wire/frames';
import { InvalidPushError, type GuardedHandler, type PushWriter } from './guarded-handler';
import { TokenBucket } from './rate-limit';

export interface PairingState {
  readonly secret: string;
  readonly generation: number;
  /** When each earlier code was replaced (generation → ms): an old code gets its own message. */
  readonly retired: ReadonlyMap<number, number>;
}

export interface PeerLimits {
  /** Requests a peer may make in a burst / per second after it. */
  readonly burst: number;
  readonly perSecond: number;
  /** Requests in flight at once; more is a protocol violation (our client never does it). */
  readonly inFlight: number;
  /** Time a connection has to authenticate. */
  readonly authTimeoutMs: number;
}

export interface PeerContext {
  readonly hubId: string;
  readonly hubName: string;
  readonly replicationId: string;
  readonly pairing: () => PairingState;
  readonly handlers: ReadonlyMap<SyncCollectionName, GuardedHandler>;
  /** The hub shows simulated (demo) data: only demo laptops may join it, and vice versa. */
  readonly simulated: boolean;
  readonly limits: PeerLimits;
  readonly now: () => number;
  readonly log: (line: string) => void;
  onAuthenticated(peer: PeerLink): void;
  onStatus(peer: PeerLink, status: LaptopStatus): void;
  onClosed(peer: PeerLink): void;
}

export class PeerLink {
  laptopId = '';
  name = '';
  authenticated = false;
  private readonly hubNonce = newNonce();
  private readonly subscribed = new Set<SyncCollectionName>();
  /** This peer's push writers, one per collection (their writes carry this laptop as origin). */
  private readonly writers = new Map<SyncCollectionName, PushWriter>();
  private readonly bucket: TokenBucket;
  private inFlight = 0;
  private closed = false;
  private readonly authTimer: NodeJS.Timeout;
  /** Bytes sent and received on this peer's TLS socket (wire figures for `stats`). */
  readonly socket: TLSSocket;

  constructor(
    private readonly ws: WebSocket,
    socket: TLSSocket,
    readonly address: string,
    private readonly ctx: PeerContext,
  ) {
    this.socket = socket;
    this.bucket = new TokenBucket(ctx.limits.burst, ctx.limits.perSecond, ctx.now);
    this.authTimer = setTimeout(
      () => this.cut(CLOSE.refused, 'did not authenticate in time'),
      ctx.limits.authTimeoutMs,
    );
    ws.on('message', (data, isBinary) => {
      try {
        this.onMessage(data, isBinary);
      } catch (error) {
        this.cut(CLOSE.malformed, `a frame could not be handled (${String(error).slice(0, 80)})`);
      }
    });
    ws.on('close', () => this.onClose());
    ws.on('error', () => this.onClose());
    this.send({
      t: 'hello',
      v: PROTOCOL_VERSION,
      hubId: ctx.hubId,
      name: ctx.hubName,
      nonce: this.hubNonce,
    });
  }

  get label(): string {
    return this.name ? `"${this.name}" (${this.address})` : this.address;
  }

  send(frame: HubFrame): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(frame));
  }

  /** Closes this peer's link with a reason (logged on the hub, shown on the laptop). */
  cut(code: number, reason: string): void {
    if (this.closed) return;
    this.ctx.log(`venue sync: closed the link of ${this.label}: ${reason}`);
    this.ws.close(code, reason.slice(0, 120));
    this.onClose();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.authTimer);
    this.subscribed.clear();
    this.ctx.onClosed(this);
  }

  private onMessage(data: unknown, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary) return this.cut(CLOSE.malformed, 'sent a binary frame');
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
    const frame = parseFrame(laptopFrameSchema, text);
    if (frame === null) return this.cut(CLOSE.malformed, 'sent a malformed frame');
    if (!this.authenticated) {
      if (frame.t !== 'auth') return this.cut(CLOSE.malformed, 'sent data before pairing');
      return this.authenticate(frame);
    }
    switch (frame.t) {
      case 'auth':
        return this.cut(CLOSE.malformed, 'paired twice');
      case 'subscribe':
        return this.subscribe(frame.c);
      case 'status':
        return this.ctx.onStatus(this, frame.status);
      case 'pull':
      case 'push':
        return this.request(frame);
    }
  }

  private authenticate(frame: Extract<LaptopFrame, { t: 'auth' }>): void {
    const pairing = this.ctx.pairing();
    this.name = frame.name;
    this.laptopId = frame.laptopId;
    const refuse = (
      code: 'wrong-code' | 'old-code' | 'version' | 'schema' | 'data-kind',
      reason: string,
    ) => {
      this.send({ t: 'refused', code, reason });
      this.cut(CLOSE.refused, `refused: ${reason}`);
    };
    if (frame.v !== PROTOCOL_VERSION) {
      return refuse(
        'version',
        'this laptop runs a different Gate Ops version; update both laptops',
      );
    }
    const mine = syncSchemaVersions();
    for (const [c, v] of Object.entries(mine)) {
      if (frame.schemas[c] !== v) {
        return refuse(
          'schema',
          `the laptops store ${c} differently; update both to the same Gate Ops version`,
        );
      }
    }
    if (frame.simulated !== this.ctx.simulated) {
      return refuse(
        'data-kind',
        this.ctx.simulated
          ? 'the hub shows the simulated demo venue and this laptop real data; they are never mixed'
          : 'the hub shows real data and this laptop the simulated demo venue; they are never mixed',
      );
    }
    const replacedAt = pairing.retired.get(frame.generation);
    if (frame.generation !== pairing.generation && replacedAt !== undefined) {
      return refuse(
        'old-code',
        `this join code was replaced on the hub at ${new Date(replacedAt).toISOString()}; ask the hub for the new code`,
      );
    }
    const expected = pairingProof({
      secret: pairing.secret,
      role: 'laptop',
      hubNonce: this.hubNonce,
      laptopNonce: frame.nonce,
      hubId: this.ctx.hubId,
      laptopId: frame.laptopId,
      channel: channelBinding(this.socket),
    });
    if (frame.generation !== pairing.generation || !proofMatches(expected, frame.proof)) {
      return refuse('wrong-code', 'the join code is wrong; check it on the hub and paste it again');
    }
    clearTimeout(this.authTimer);
    this.authenticated = true;
    this.send({
      t: 'welcome',
      replicationId: this.ctx.replicationId,
      proof: pairingProof({
        secret: pairing.secret,
        role: 'hub',
        hubNonce: this.hubNonce,
        laptopNonce: frame.nonce,
        hubId: this.ctx.hubId,
        laptopId: frame.laptopId,
        channel: channelBinding(this.socket),
      }),
    });
    this.ctx.log(`venue sync: ${this.label} joined`);
    this.ctx.onAuthenticated(this);
  }

  private subscribe(c: SyncCollectionName): void {
    if (!this.ctx.handlers.has(c))
      return this.cut(CLOSE.malformed, `subscribed to ${c}, which this hub does not serve`);
    this.subscribed.add(c);
  }

  /** Whether the hub's changes of `c` go to this peer. */
  follows(c: SyncCollectionName): boolean {
    return this.authenticated && this.subscribed.has(c);
  }

  /** Sends a frame already serialized (one change frame is serialized once for every peer). */
  sendText(text: string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(text);
  }

  private request(frame: Extract<LaptopFrame, { t: 'pull' | 'push' }>): void {
    if (this.inFlight >= this.ctx.limits.inFlight) {
      return this.cut(CLOSE.tooMany, `more than ${this.ctx.limits.inFlight} requests at once`);
    }
    const wait = this.bucket.take();
    if (wait > 0) {
      this.send({
        t: 'result',
        id: frame.id,
        ok: false,
        error: 'too many requests',
        retryAfterMs: wait,
      });
      return;
    }
    const handler = this.ctx.handlers.get(frame.c);
    if (!handler)
      return this.cut(CLOSE.malformed, `asked for ${frame.c}, which this hub does not serve`);
    this.inFlight += 1;
    const work =
      frame.t === 'pull'
        ? handler.changesSince(frame.checkpoint ?? null, frame.limit)
        : this.writer(frame.c, handler)(frame.rows);
    work
      .then((result) => this.send({ t: 'result', id: frame.id, ok: true, result }))
      .catch((error: unknown) => {
        if (error instanceof InvalidPushError) {
          this.cut(
            CLOSE.invalidDocument,
            `pushed a document that breaks the schema (${error.message})`,
          );
        } else {
          // A store fault on the hub: the laptop retries; the link stays.
          const message = error instanceof Error ? error.message : String(error);
          this.ctx.log(`venue sync: ${frame.t} for ${this.label} failed: ${message}`);
          this.send({ t: 'result', id: frame.id, ok: false, error: 'the hub could not do it now' });
        }
      })
      .finally(() => {
        this.inFlight -= 1;
      });
  }

  private writer(c: SyncCollectionName, handler: GuardedHandler): PushWriter {
    let w = this.writers.get(c);
    if (!w) this.writers.set(c, (w = handler.writerFor(this.laptopId)));
    return w;
  }
}
