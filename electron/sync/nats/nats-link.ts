/**
 * The laptop's connection to NATS and what it tells the supervisor about it. nats.js reconnects
 * by itself once connected (every server in the list, forever); this class covers what it does
 * not: the first connect when no server answers, and a server that refuses the credentials.
 * Its state changes are the status; the one who shows them (nats-sync-runner) words them.
 * Refused credentials do not get better by retrying every second (and a storm of attempts can lock
 * an account), so they are retried on a slow schedule: 1 min, doubling to 15 min.
 */
import {
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type NatsConnection,
  type ConnectionOptions,
} from '@nats-io/transport-node';
import { BehaviorSubject } from 'rxjs';
import { backoffDelay, DEFAULT_BACKOFF, type Clock, systemClock } from '../../relay';
import type { NatsSyncConfig } from './nats-config';
import type { NatsSecret } from './nats-secrets';

/** Why the link is down and when it tries again. */
export interface NatsLinkFailure {
  readonly state: 'unreachable' | 'refused' | 'stream-missing' | 'failed';
  readonly reason: string;
  readonly since: number;
  readonly attempt: number;
  readonly retryAt: number;
}

export type NatsLinkState =
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'connected'; readonly server: string; readonly since: number }
  | { readonly state: 'reconnecting'; readonly since: number }
  | NatsLinkFailure
  | { readonly state: 'stopped' };

export const AUTH_RETRY_BASE_MS = 60_000;
export const AUTH_RETRY_CAP_MS = 15 * 60_000;

export interface NatsLinkOptions {
  readonly config: NatsSyncConfig;
  readonly secret: NatsSecret;
  /** Client name the servers show in their connection lists (the laptop's name). */
  readonly name: string;
  /** Called on each connection; what it returns is stopped when the connection ends. */
  readonly onConnection: (nc: NatsConnection) => Promise<{ stop(): Promise<void> }>;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly log?: (line: string) => void;
  /** Tests: a connect with a counter. */
  readonly connect?: (options: ConnectionOptions) => Promise<NatsConnection>;
}

export function connectionOptions(
  config: NatsSyncConfig,
  secret: NatsSecret,
  name: string,
): ConnectionOptions {
  const opts: ConnectionOptions = {
    servers: [...config.servers],
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    timeout: 5000,
    pingInterval: 10_000,
    maxPingOut: 2,
  };
  if (secret.kind === 'user') Object.assign(opts, { user: secret.user, pass: secret.password });
  if (secret.kind === 'creds') opts.authenticator = credsAuthenticator(secret.creds);
  if (secret.kind === 'nkey') opts.authenticator = nkeyAuthenticator(secret.seed);
  if (config.caFile || config.servers.some((s) => s.startsWith('tls:'))) {
    opts.tls = config.caFile ? { caFile: config.caFile } : {};
  }
  return opts;
}

/** One line for the supervisor, from whatever nats.js threw. */
export function describeNatsError(error: unknown): {
  refused: boolean;
  reason: string;
  streamMissing?: boolean;
} {
  const e = error as { name?: string; message?: string; code?: string };
  const message = e?.message ?? String(error);
  if (e?.name === 'StreamMissingError')
    return { refused: false, reason: message, streamMissing: true };
  if (e?.name === 'AuthorizationError' || /authorization violation|authentication/i.test(message)) {
    return {
      refused: true,
      reason: 'the NATS server refused the credentials (Authorization Violation)',
    };
  }
  if (
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|timeout|connection refused/i.test(message) ||
    e?.code === 'CONNECTION_REFUSED'
  ) {
    return { refused: false, reason: `no NATS server answered (${message})` };
  }
  if (/certificate|self[- ]signed|TLS|SSL/i.test(message)) {
    return { refused: false, reason: `the TLS handshake failed: ${message}` };
  }
  return { refused: false, reason: message };
}

export class NatsLink {
  readonly state$ = new BehaviorSubject<NatsLinkState>({ state: 'connecting', attempt: 1 });
  /** Connection attempts made (first connects and retries after a refusal); for tests and stats. */
  attempts = 0;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  private timer: unknown = null;
  private nc: NatsConnection | null = null;
  private stopped = false;
  private failures = 0;
  private session: { stop(): Promise<void> } | null = null;

  constructor(private readonly options: NatsLinkOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => undefined);
  }

  start(): void {
    this.run();
  }

  private inFlight: Promise<void> = Promise.resolve();
  private run(): void {
    this.inFlight = this.attempt().catch((error: unknown) => this.fail(error));
  }

  get connection(): NatsConnection | null {
    return this.nc;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    // A connect or session start under way finishes first, so nothing runs after stop().
    await this.inFlight;
    const session = this.session;
    this.session = null;
    await session?.stop().catch(() => undefined);
    const nc = this.nc;
    this.nc = null;
    if (nc && !nc.isClosed()) await nc.close().catch(() => undefined);
    this.state$.next({ state: 'stopped' });
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    this.attempts++;
    this.state$.next({ state: 'connecting', attempt: this.failures + 1 });
    let nc: NatsConnection;
    try {
      const opts = connectionOptions(this.options.config, this.options.secret, this.options.name);
      nc = await (this.options.connect ?? connect)(opts);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.stopped) {
      await nc.close().catch(() => undefined);
      return;
    }
    this.nc = nc;
    this.failures = 0;
    const server = nc.getServer();
    this.state$.next({ state: 'connected', server, since: this.clock.now() });
    void this.watch(nc);
    try {
      this.session = await this.options.onConnection(nc);
    } catch (error) {
      // The stream could not be opened (JetStream off, no permission, …): say so, retry later.
      await nc.close().catch(() => undefined);
      if (this.nc === nc) this.nc = null;
      this.fail(error);
      return;
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    (async () => {
      for await (const s of nc.status()) {
        if (this.nc !== nc) return;
        if (s.type === 'disconnect' || s.type === 'reconnecting') {
          if (this.state$.value.state === 'connected') {
            this.state$.next({ state: 'reconnecting', since: this.clock.now() });
          }
        } else if (s.type === 'reconnect') {
          this.state$.next({ state: 'connected', server: s.server, since: this.clock.now() });
        }
      }
    })().catch(() => undefined);
    const closedWith = await nc.closed();
    if (this.nc !== nc || this.stopped) return;
    // nats.js gave up (it does on a repeated authorization error): stop this session, retry.
    this.nc = null;
    const session = this.session;
    this.session = null;
    await session?.stop().catch(() => undefined);
    this.fail(closedWith ?? new Error('the NATS connection closed'));
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.failures++;
    const { refused, reason, streamMissing } = describeNatsError(error);
    const delay = refused
      ? Math.min(AUTH_RETRY_CAP_MS, AUTH_RETRY_BASE_MS * 2 ** Math.min(10, this.failures - 1))
      : Math.max(1000, backoffDelay(this.failures, DEFAULT_BACKOFF, this.random));
    const now = this.clock.now();
    this.state$.next({
      state: refused
        ? 'refused'
        : streamMissing
          ? 'stream-missing'
          : /NATS server answered/.test(reason)
            ? 'unreachable'
            : 'failed',
      reason,
      since: now,
      attempt: this.failures,
      retryAt: now + delay,
    });
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.run();
    }, delay);
  }
}
