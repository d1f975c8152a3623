/**
 * The relay link: one websocket to the relay (docs/relay-protocol.md), kept alive with ping/pong,
 * reconnected with capped exponential backoff and full jitter, resumed from the store's committed
 * cursor (`?after=`). Every message goes to the sink (the ingest pipeline); when the sink is full,
 * reading from the socket pauses until it drains, so a slow store bounds memory instead of
 * growing a queue. An authentication failure stops the retries and says so.
 */
import { isUtf8 } from 'node:buffer';
import { redactSecrets, redactUrl } from '../../shared/redact';
import { BehaviorSubject } from 'rxjs';
import WebSocket, { type ClientOptions } from 'ws';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { systemClock, type Clock } from './clock';
import { AUTH_CLOSE_CODES, CLOUDEVENTS_SUBPROTOCOL } from './relay-protocol';
import type { RelayCounters, RelaySink, RelayStatus } from './relay-status';

export type { RelayCounters, RelayLinkState, RelaySink, RelayStatus } from './relay-status';

export type WebSocketFactory = (
  url: string,
  protocols: string[],
  options: ClientOptions,
) => WebSocket;

export interface RelayClientOptions {
  readonly url: string;
  readonly token: string;
  readonly sink: RelaySink;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly createWebSocket?: WebSocketFactory;
  readonly backoff?: BackoffPolicy;
  /** Ping every `intervalMs`; no pong (nor any message) by the next ping means a dead link. */
  readonly heartbeat?: { readonly intervalMs: number };
  /**
   * Hard cap of one message (default 32 MiB): anything up to it is read and handed on (ingest
   * quarantines what is over the contract's 64 KiB, with its sequence, so the cursor moves past
   * it). A bigger one cannot be read; see `stalled`.
   */
  readonly maxPayloadBytes?: number;
  /** Most fragments of one message (default 262,144; ws's own default is 16,384). */
  readonly maxFragments?: number;
  readonly connectTimeoutMs?: number;
}

const ZERO_COUNTERS: RelayCounters = { received: 0, lastEventAt: null };

export const DEFAULT_MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_FRAGMENTS = 256 * 1024;
/** Above this a message is handed on as bytes (it is quarantined as too large anyway). */
const LARGE_MESSAGE_BYTES = 1024 * 1024;
/** Same unreadable message from the same cursor this many times in a row: stop and say so. */
const STALL_AFTER = 3;

/** ws's errors for a message it will not assemble (it then closes the link). */
const UNREADABLE: Readonly<Record<string, string>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'it is larger than',
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 'it comes in too many parts for',
};

const defaultFactory: WebSocketFactory = (url, protocols, options) =>
  new WebSocket(url, protocols, options);

export class RelayClient {
  readonly status$: BehaviorSubject<RelayStatus>;
  private readonly options: RelayClientOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly pingEvery: number;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: unknown = null;
  private pingTimer: unknown = null;
  private alive = true;
  private paused = false;
  private running = false;
  private httpStatus: number | null = null;
  private lastError: string | null = null;
  /** Why the current link could not read a message, when that is what ended it. */
  private unreadable: string | null = null;
  /** The cursor the current link resumed from. */
  private linkCursor: string | null = null;
  /** Consecutive links that ended on an unreadable message right after `stallCursor`. */
  private unreadableRuns = 0;
  private stallCursor: string | null = null;
  private readonly stopDrain: () => void;

  constructor(options: RelayClientOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.pingEvery = options.heartbeat?.intervalMs ?? 10_000;
    this.status$ = new BehaviorSubject<RelayStatus>({
      url: redactUrl(options.url),
      state: { kind: 'idle' },
      offlineSince: this.clock.now(),
      lastError: null,
      paused: false,
      counters: ZERO_COUNTERS,
    });
    const stopDrain = options.sink.onDrain(() => this.resumeReading());
    const stopFull = options.sink.onFull(() => this.holdBack());
    this.stopDrain = () => {
      stopDrain();
      stopFull();
    };
  }

  get status(): RelayStatus {
    this.publishCounters();
    return this.status$.value;
  }

  /**
   * Messages counted since the last status published. The counters tick on every message, and a
   * status published per message (two objects, every subscriber run) cost the catch-up of a
   * backlog a few µs a message: they go out once per event-loop turn instead, and at once with
   * any other change of the status or when `status` is read.
   */
  private unpublished = 0;
  private lastEventAt = 0;
  private publishing = false;

  private publishCounters(): void {
    if (this.unpublished === 0) return;
    const s = this.status$.value;
    const received = s.counters.received + this.unpublished;
    this.unpublished = 0;
    this.status$.next({
      ...s,
      counters: { ...s.counters, received, lastEventAt: this.lastEventAt },
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /** Try now instead of waiting out the backoff (after sleep/wake, network up, a user click). */
  reconnectNow(): void {
    const kind = this.status.state.kind;
    if (kind === 'auth-failed' || kind === 'stalled') {
      // Someone fixed the token on the relay side, or removed the message we could not read
      // (or wants to see the refusal again).
      this.running = true;
      this.unreadableRuns = 0;
    }
    if (!this.running) return;
    if (kind === 'live') {
      // The link may be dead after a sleep without anyone noticing: probe it right away.
      this.checkAlive(true);
      return;
    }
    if (kind === 'connecting') return;
    this.clearRetry();
    this.attempt = 0;
    this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clearRetry();
    this.clearPing();
    this.stopDrain();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        // A peer that never answers the close frame must not hold us up.
        const fallback = this.clock.setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2000);
        ws.once('close', () => {
          this.clock.clearTimeout(fallback);
          resolve();
        });
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, 'client stopping');
      });
    }
    this.update({ state: { kind: 'stopped' } });
  }

  private connect(): void {
    if (!this.running) return;
    this.attempt += 1;
    this.httpStatus = null;
    this.update({ state: { kind: 'connecting', attempt: this.attempt } });
    const url = new URL(this.options.url);
    const cursor = this.options.sink.resumeCursor();
    this.linkCursor = cursor;
    this.unreadable = null;
    if (cursor !== null) url.searchParams.set('after', cursor);
    else url.searchParams.delete('after');
    let ws: WebSocket;
    try {
      ws = (this.options.createWebSocket ?? defaultFactory)(
        url.toString(),
        [CLOUDEVENTS_SUBPROTOCOL],
        {
          headers: { Authorization: `Bearer ${this.options.token}` },
          maxPayload: this.maxPayload,
          maxFragments: this.options.maxFragments ?? DEFAULT_MAX_FRAGMENTS,
          handshakeTimeout: this.options.connectTimeoutMs ?? 10_000,
          perMessageDeflate: false,
          // A text frame that is not UTF-8 is quarantined (onMessage), not a reason to close
          // the link (1007): the relay would resend it on every reconnect, forever.
          skipUTF8Validation: true,
        },
      );
    } catch (error) {
      // e.g. an unusable URL: report it and keep to the backoff rhythm rather than throw.
      this.lastError = this.clean(error instanceof Error ? error.message : String(error));
      this.scheduleRetry(null, 1006, '');
      return;
    }
    this.ws = ws;
    ws.on('unexpected-response', (req, res) => {
      this.httpStatus = res.statusCode ?? null;
      res.resume();
      req.destroy();
      ws.terminate();
    });
    let socket: NodeJS.EventEmitter | null = null;
    ws.on('upgrade', (res) => (socket = res.socket));
    ws.on('open', () => {
      // Bytes arriving are life: on a slow link a big frame takes longer than the heartbeat,
      // and the pong waits behind it (counting only whole messages cut such a link forever).
      // Listened to only now: ws has its own data listener on the socket by 'open' (one added
      // before it would start the flow and ws would miss the first bytes).
      socket?.on('data', () => {
        if (ws === this.ws) this.alive = true;
      });
      this.onOpen(ws);
    });
    ws.on('message', (data, isBinary) => {
      // A link we let go of (stop() gave up waiting for its close) still surfaces the frames
      // buffered in its socket when it finally closes; the sink may be closed by then. They were
      // never accepted, so the relay sends them again on the next start.
      if (ws === this.ws) this.onMessage(data, isBinary);
    });
    ws.on('pong', () => (this.alive = true));
    ws.on('error', (error: Error & { code?: string }) => {
      this.lastError = this.clean(error.message);
      const why = error.code !== undefined ? UNREADABLE[error.code] : undefined;
      if (why !== undefined && ws === this.ws) this.unreadable = why;
    });
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws) return;
    if (ws.protocol !== CLOUDEVENTS_SUBPROTOCOL) {
      // ws already refuses a missing subprotocol; this guards a different one.
      this.lastError = `the relay did not agree the ${CLOUDEVENTS_SUBPROTOCOL} subprotocol`;
      ws.close(1002, 'subprotocol required');
      return;
    }
    this.lastError = null;
    this.alive = true;
    // The sink is still full from the previous link: hold this one back too until it drains
    // (else every reconnect while the store is behind reads another socketful past the mark).
    if (this.paused) ws.pause();
    this.update({
      state: { kind: 'live', since: this.clock.now() },
      offlineSince: null,
      lastError: null,
    });
    this.schedulePing();
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    this.alive = true;
    // A link that delivers is healthy: the next loss starts the backoff from the bottom.
    this.attempt = 0;
    const now = this.clock.now();
    const buf = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    // Bytes unless they are valid UTF-8 text: classify quarantines invalid UTF-8 with its bytes.
    // A message far over the contract's limit stays bytes too (a view, not a copy): it is only
    // measured and scanned for its sequence, never decoded whole.
    const view = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const payload: string | Uint8Array =
      isBinary || buf.byteLength > LARGE_MESSAGE_BYTES || !isUtf8(buf)
        ? view
        : buf.toString('utf8');
    this.unpublished += 1;
    this.lastEventAt = now;
    if (!this.publishing) {
      this.publishing = true;
      setImmediate(() => {
        this.publishing = false;
        this.publishCounters();
      });
    }
    if (!this.options.sink.push(payload, now)) this.holdBack();
  }

  /**
   * Stops reading from the socket until the sink drains (the relay keeps the rest). Without a
   * link (reconnecting, stalled) the next one opens held back (onOpen).
   */
  private holdBack(): void {
    if (this.paused) return;
    this.paused = true;
    this.ws?.pause();
    this.update({ paused: true });
  }

  private resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.alive = true;
    this.ws?.resume();
    this.update({ paused: false });
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.clearPing();
    if (!this.running) return;
    this.scheduleRetry(this.httpStatus, code, reason);
  }

  private scheduleRetry(httpStatus: number | null, code: number, reason: string): void {
    const now = this.clock.now();
    const offlineSince = this.status.offlineSince ?? now;
    // ws closes with 1008 itself on a message in too many parts: that is not the relay refusing us.
    const refused =
      httpStatus === 401 ||
      httpStatus === 403 ||
      (AUTH_CLOSE_CODES.has(code) && this.unreadable === null);
    if (refused) {
      this.running = false;
      const why =
        httpStatus !== null
          ? `the relay refused the token (HTTP ${httpStatus})`
          : `the relay refused the token (close ${code}${reason ? `: ${reason}` : ''})`;
      this.update({
        state: { kind: 'auth-failed', at: now, reason: why },
        offlineSince,
        lastError: why,
      });
      return;
    }
    if (this.unreadable !== null) {
      const same = this.unreadableRuns > 0 && this.stallCursor === this.linkCursor;
      this.unreadableRuns = same ? this.unreadableRuns + 1 : 1;
      this.stallCursor = this.linkCursor;
      if (this.unreadableRuns >= STALL_AFTER) {
        // The relay resends the message on every reconnect: retrying would loop forever.
        this.running = false;
        const where =
          this.linkCursor === null
            ? 'its first message'
            : `a message after sequence ${this.linkCursor}`;
        const why = `the relay sent ${where} ${this.unreadableRuns} times and it cannot be read: ${this.unreadable} ${this.limits()}. Nothing after it can arrive. Ask the relay's operator to remove it, then retry.`;
        this.update({
          state: { kind: 'stalled', at: now, reason: why },
          offlineSince,
          lastError: why,
        });
        return;
      }
    } else {
      this.unreadableRuns = 0;
    }
    const why =
      httpStatus !== null
        ? `HTTP ${httpStatus}`
        : (this.lastError ?? `closed (${code}${reason ? `: ${reason}` : ''})`);
    const delay = backoffDelay(this.attempt, this.backoff, this.random);
    const nextTryAt = now + delay;
    this.update({
      state: { kind: 'reconnecting', attempt: this.attempt + 1, nextTryAt, reason: why },
      offlineSince,
      lastError: why,
    });
    this.lastError = null;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  /** An error text from the socket layer, without the token or the URL's credentials. */
  private clean(text: string): string {
    return redactSecrets(text, [this.options.token]);
  }

  private get maxPayload(): number {
    return this.options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  private limits(): string {
    const mib = Math.round(this.maxPayload / (1024 * 1024));
    const parts = (this.options.maxFragments ?? DEFAULT_MAX_FRAGMENTS).toLocaleString('en-US');
    return `what this app reads (${mib} MiB in at most ${parts} parts)`;
  }

  private schedulePing(): void {
    this.clearPing();
    this.pingTimer = this.clock.setTimeout(() => {
      this.pingTimer = null;
      this.checkAlive(false);
    }, this.pingEvery);
  }

  /** Dead-link check: nothing heard since the last ping means the peer is gone. */
  private checkAlive(probeNow: boolean): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    // While we hold reading back, pongs queue unread behind data: that is not a dead link.
    if (this.paused) this.alive = true;
    if (!this.alive && !probeNow) {
      this.lastError = 'no pong from the relay: the link is dead';
      ws.terminate();
      return;
    }
    this.alive = false;
    ws.ping();
    if (probeNow) {
      this.clearPing();
      this.pingTimer = this.clock.setTimeout(
        () => {
          this.pingTimer = null;
          this.checkAlive(false);
        },
        Math.min(this.pingEvery, 3000),
      );
      return;
    }
    this.schedulePing();
  }

  private clearPing(): void {
    if (this.pingTimer !== null) this.clock.clearTimeout(this.pingTimer);
    this.pingTimer = null;
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private update(patch: Partial<RelayStatus>): void {
    this.status$.next({ ...this.status, ...patch });
  }
}
