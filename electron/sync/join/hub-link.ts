/**
 * A joined laptop's link to the hub: TLS websocket to the address in the join code, the hub's
 * certificate checked against the pinned fingerprint before anything is sent, the pairing proof
 * exchanged both ways, then request/response (pull, push) and the hub's change stream. Reconnects
 * with capped, jittered backoff while the hub is away; stops for good, with the hub's reason,
 * when the code is refused (wrong, replaced, another version) or the certificate does not match.
 */
import type { TLSSocket } from 'node:tls';
import { BehaviorSubject, Subject, filter, map, type Observable } from 'rxjs';
import { WebSocket, type RawData } from 'ws';
import { backoffDelay, type BackoffPolicy } from '../../relay';
import { fingerprintOfDer } from '../pairing/certificate';
import { channelBinding, newNonce, pairingProof, proofMatches } from '../pairing/handshake';
import type { JoinCode } from '../pairing/join-code';
import { SYNC_PATH } from '../hub/hub-server';
import { syncSchemaVersions, type SyncCollectionName } from '../sync-collections';
import {
  CLOSE,
  PROTOCOL_VERSION,
  hubFrameSchema,
  parseFrame,
  type HubFrame,
  type LaptopFrame,
  type LaptopStatus,
  type TeamMember,
} from '../wire/frames';

export type HubLinkState =
  | { readonly kind: 'connecting'; readonly attempt: number; readonly since: number }
  | {
      readonly kind: 'live';
      readonly since: number;
      readonly hubName: string;
      readonly replicationId: string;
    }
  | {
      readonly kind: 'down';
      readonly since: number;
      readonly reason: string;
      readonly attempt: number;
      readonly nextTryAt: number;
    }
  | { readonly kind: 'refused'; readonly since: number; readonly reason: string }
  | { readonly kind: 'stopped'; readonly since: number };

export interface HubLinkOptions {
  readonly code: JoinCode;
  readonly laptopId: string;
  readonly name: () => string;
  /** This laptop shows the demo venue's simulated data. */
  readonly simulated?: boolean;
  readonly backoff?: BackoffPolicy;
  readonly requestTimeoutMs?: number;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export class HubRequestError extends Error {
  override readonly name = 'HubRequestError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

type Pending = {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  /** Resolve with the answer frame's text too (`requestWithText`). */
  withText?: boolean;
};

/** An answer with the text of the frame it came in (for checking it off the main thread). */
export interface AnswerWithText {
  readonly result: unknown;
  /** The whole `result` frame as received: its `result` field is `result`. */
  readonly text: string;
}

export class HubLink {
  private ws: WebSocket | null = null;
  private socket: TLSSocket | null = null;
  private readonly state = new BehaviorSubject<HubLinkState>({
    kind: 'connecting',
    attempt: 1,
    since: Date.now(),
  });
  private readonly frames = new Subject<HubFrame>();
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private refusedReason: string | null = null;
  private readonly subscribed = new Set<SyncCollectionName>();
  private lastTeam: { laptops: TeamMember[]; at: number } | null = null;
  /** Bytes on the wire of links already closed (the open one is read from its socket). */
  private closedBytes = { sent: 0, received: 0 };

  readonly state$: Observable<HubLinkState> = this.state.asObservable();
  readonly team$: Observable<{ laptops: TeamMember[]; at: number }>;

  constructor(private readonly options: HubLinkOptions) {
    this.team$ = this.frames.pipe(
      filter((f): f is Extract<HubFrame, { t: 'team' }> => f.t === 'team'),
      map((f) => ({ laptops: f.laptops, at: f.at })),
    );
    this.team$.subscribe((t) => (this.lastTeam = t));
  }

  get current(): HubLinkState {
    return this.state.value;
  }

  get team(): { laptops: TeamMember[]; at: number } | null {
    return this.lastTeam;
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  start(): void {
    this.connect();
  }

  /** The hub's change stream for one collection (documents with their checkpoint). */
  changes(c: SyncCollectionName): Observable<Extract<HubFrame, { t: 'change' }>> {
    this.subscribed.add(c);
    if (this.current.kind === 'live') this.send({ t: 'subscribe', c });
    return this.frames.pipe(
      filter((f): f is Extract<HubFrame, { t: 'change' }> => f.t === 'change' && f.c === c),
    );
  }

  request(
    frame:
      | Omit<Extract<LaptopFrame, { t: 'pull' }>, 'id'>
      | Omit<Extract<LaptopFrame, { t: 'push' }>, 'id'>,
  ): Promise<unknown> {
    return this.ask(frame, false);
  }

  /** `request`, answered with the text of the answer frame as well. */
  requestWithText(frame: Omit<Extract<LaptopFrame, { t: 'pull' }>, 'id'>): Promise<AnswerWithText> {
    return this.ask(frame, true) as Promise<AnswerWithText>;
  }

  private ask(
    frame:
      | Omit<Extract<LaptopFrame, { t: 'pull' }>, 'id'>
      | Omit<Extract<LaptopFrame, { t: 'push' }>, 'id'>,
    withText: boolean,
  ): Promise<unknown> {
    if (this.current.kind !== 'live') {
      return Promise.reject(new HubRequestError('the venue hub is not connected'));
    }
    const id = String(++this.nextId);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HubRequestError('the venue hub did not answer in time'));
      }, this.options.requestTimeoutMs ?? 30_000);
      this.pending.set(id, { resolve, reject, timer, withText });
      this.send({ ...frame, id } as LaptopFrame);
    });
  }

  sendStatus(status: LaptopStatus): void {
    if (this.current.kind === 'live') this.send({ t: 'status', status });
  }

  wireBytes(): { sent: number; received: number } {
    return {
      sent: this.closedBytes.sent + (this.socket?.bytesWritten ?? 0),
      received: this.closedBytes.received + (this.socket?.bytesRead ?? 0),
    };
  }

  private send(frame: LaptopFrame): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private connect(): void {
    if (this.stopped) return;
    this.attempt += 1;
    const { code } = this.options;
    // Each attempt tries the next address of the code (a hub with several network interfaces).
    const address = code.addresses[(this.attempt - 1) % code.addresses.length]!;
    const host = address.includes(':') ? `[${address}]` : address;
    this.state.next({ kind: 'connecting', attempt: this.attempt, since: this.now });
    // rejectUnauthorized is off because the certificate is self-signed; it is checked below
    // against the fingerprint in the join code instead, before any frame is sent.
    const ws = new WebSocket(`wss://${host}:${code.port}${SYNC_PATH}`, {
      rejectUnauthorized: false,
      handshakeTimeout: 10_000,
      maxPayload: 64 * 1024 * 1024,
      perMessageDeflate: { threshold: 1024 },
    });
    this.ws = ws;
    let hubNonce: string | null = null;
    let hubId = '';
    let hubName = '';
    const laptopNonce = newNonce();
    let failure: string | null = null;

    ws.on('upgrade', (res) => {
      const socket = res.socket as TLSSocket;
      const cert = socket.getPeerCertificate();
      if (!cert?.raw || fingerprintOfDer(cert.raw) !== code.fingerprint) {
        this.refuse(
          "the hub's certificate does not match the join code (another device answers at that address, or the hub was reinstalled): get a new code from the hub",
        );
        ws.terminate();
        return;
      }
      this.socket = socket;
    });
    ws.on('message', (data, isBinary) => {
      try {
        onFrame(data, isBinary);
      } catch (error) {
        // Never let one frame take the process down; the link is redone from scratch.
        failure = `could not handle a frame from the hub: ${String(error)}`;
        ws.close(CLOSE.malformed, 'internal error');
      }
    });
    const onFrame = (data: RawData, isBinary: boolean): void => {
      const text = isBinary ? null : data.toString();
      const frame = text === null ? null : parseFrame(hubFrameSchema, text);
      if (frame === null) {
        failure = 'the hub sent a malformed frame';
        ws.close(CLOSE.malformed, failure);
        return;
      }
      const socket = this.socket;
      if (!socket) return;
      if (this.current.kind !== 'live') {
        if (frame.t === 'hello' && hubNonce === null) {
          hubNonce = frame.nonce;
          hubId = frame.hubId;
          hubName = frame.name;
          if (frame.v !== PROTOCOL_VERSION) {
            this.refuse('the hub runs a different Gate Ops version; update both laptops');
            ws.close();
            return;
          }
          this.send({
            t: 'auth',
            v: PROTOCOL_VERSION,
            laptopId: this.options.laptopId,
            name: this.options.name().slice(0, 80),
            generation: code.generation,
            nonce: laptopNonce,
            proof: pairingProof({
              secret: code.secret,
              role: 'laptop',
              hubNonce,
              laptopNonce,
              hubId,
              laptopId: this.options.laptopId,
              channel: channelBinding(socket),
            }),
            schemas: syncSchemaVersions(),
            simulated: this.options.simulated ?? false,
          });
        } else if (frame.t === 'welcome' && hubNonce !== null) {
          const expected = pairingProof({
            secret: code.secret,
            role: 'hub',
            hubNonce,
            laptopNonce,
            hubId,
            laptopId: this.options.laptopId,
            channel: channelBinding(socket),
          });
          if (!proofMatches(expected, frame.proof)) {
            this.refuse('the hub could not prove it knows the join code');
            ws.close();
            return;
          }
          this.attempt = 0;
          this.state.next({
            kind: 'live',
            since: this.now,
            hubName,
            replicationId: frame.replicationId,
          });
          this.log('venue sync: connected to the hub');
          for (const c of this.subscribed) this.send({ t: 'subscribe', c });
        } else if (frame.t === 'refused') {
          this.refuse(frame.reason);
        } else {
          failure = 'the hub sent data before pairing';
          ws.close(CLOSE.malformed, failure);
        }
        return;
      }
      if (frame.t === 'result') {
        const p = this.pending.get(frame.id);
        if (!p) return;
        this.pending.delete(frame.id);
        clearTimeout(p.timer);
        if (frame.ok) p.resolve(p.withText ? { result: frame.result, text } : frame.result);
        else
          p.reject(
            new HubRequestError(frame.error ?? 'the hub refused the request', frame.retryAfterMs),
          );
        return;
      }
      this.frames.next(frame);
    };
    ws.on('error', (error) => {
      failure ??= error.message;
    });
    ws.on('close', (code, reasonBuf) => {
      if (this.socket) {
        this.closedBytes.sent += this.socket.bytesWritten;
        this.closedBytes.received += this.socket.bytesRead;
      }
      this.socket = null;
      this.ws = null;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new HubRequestError('the link to the venue hub closed'));
        this.pending.delete(id);
      }
      if (this.stopped) return;
      if (this.refusedReason !== null) return;
      const reason = reasonBuf.toString() || failure || `closed (${code})`;
      if (code === CLOSE.refused) return this.refuse(reason);
      const delay = backoffDelay(
        this.attempt,
        this.options.backoff ?? { baseMs: 500, capMs: 10_000 },
        Math.random,
      );
      const wasLive = this.current.kind === 'live';
      this.state.next({
        kind: 'down',
        since: wasLive ? this.now : this.downSince(),
        reason,
        attempt: this.attempt + 1,
        nextTryAt: this.now + delay,
      });
      if (wasLive) this.log(`venue sync: the link to the hub is down (${reason})`);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.connect();
      }, delay);
    });
  }

  private downSince(): number {
    const s = this.current;
    return s.kind === 'down' ? s.since : this.now;
  }

  private refuse(reason: string): void {
    if (this.refusedReason !== null) return;
    this.refusedReason = reason;
    this.log(`venue sync: the hub refused this laptop: ${reason}`);
    this.state.next({ kind: 'refused', since: this.now, reason });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000, 'laptop leaving');
        setTimeout(() => ws.terminate(), 2000).unref();
      });
    }
    if (this.state.value.kind !== 'refused') this.state.next({ kind: 'stopped', since: this.now });
    this.state.complete();
    this.frames.complete();
  }
}
