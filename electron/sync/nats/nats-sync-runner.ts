/**
 * NATS sync for one running core, as the composition root starts it in both hosts: from the
 * `--sync-nats…` options when the command line gives them (they win), else from Settings (the
 * secret from the secret store). It checks everything it can before connecting (the demo never
 * syncs; the settings, the secret and the CA file must be usable) and says what is wrong
 * otherwise; it starts over when Settings change; and it reports its state (the view the Team
 * view, the Settings view and `stats` read) and one line per link change.
 */
import { access, constants } from 'node:fs/promises';
import type { NatsSyncView } from '../../../shared/api/channels/sync';
import type { NatsSecretValue, NatsSyncSettings } from '../../../shared/nats-sync';
import type { GateOpsDatabase } from '../../db';
import { errorCode } from '../../settings';
import {
  buildNatsSyncConfig,
  NatsConfigError,
  natsConfigFromSettings,
  type NatsSyncConfig,
  type NatsSyncConfigInput,
} from './nats-config';
import { natsSecretFromSettings, readNatsSecret, type NatsSecret } from './nats-secrets';
import {
  describeNatsStatus,
  describeVenues,
  misconfiguredView,
  natsSyncView,
  type NatsViewSource,
} from './nats-status-view';
import type { NatsSync } from './nats-sync';
import { natsSyncCollections } from './nats-sync-collections';

type NatsSyncClass = typeof NatsSync;
let natsSyncModule: Promise<NatsSyncClass> | null = null;

/**
 * The NATS client (./nats-sync and @nats-io/*, about 60 files) is loaded when NATS sync first
 * starts, not at every start of the app: most laptops never turn it on. A failed load is a
 * reason like any other why NATS sync did not start (and is tried again on the next start).
 */
function loadNatsSync(): Promise<NatsSyncClass> {
  natsSyncModule ??= import('./nats-sync').then(
    (m) => m.NatsSync,
    (error: unknown) => {
      natsSyncModule = null;
      throw new Error(
        `could not load the NATS client: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    },
  );
  return natsSyncModule;
}

/** Where this run's NATS sync settings come from. */
export type NatsSyncSource =
  | { readonly kind: 'off' }
  | {
      readonly kind: 'command-line';
      readonly input: NatsSyncConfigInput;
      /** For GATE_OPS_NATS_PASSWORD. */
      readonly env: NodeJS.ProcessEnv;
    }
  | {
      readonly kind: 'settings';
      readonly settings: NatsSyncSettings;
      readonly secret: () => Promise<NatsSecretValue | null>;
    };

export interface NatsSyncRunnerOptions {
  readonly db: GateOpsDatabase;
  /** True when the core shows the built-in demo: simulated check-ins must not reach a venue. */
  readonly simulated: boolean;
  /** The laptop's venue-sync id and name (author of its presence). */
  readonly laptop: () => { readonly id: string; readonly name: string };
  readonly source: () => Promise<NatsSyncSource>;
  /** The state to show, at most a few times a second; null: NATS sync is off. */
  readonly report: (view: NatsSyncView | null) => void;
  readonly log: (line: string) => void;
  readonly now?: () => number;
  /** Tests: how often the view may be reported (ms). */
  readonly reportEveryMs?: number;
}

const VENUE_LINE_MS = 30_000;
const REPORT_EVERY_MS = 250;

interface Running {
  readonly sync: NatsSync;
  stop(): Promise<void>;
}

export class NatsSyncRunner {
  private running: Running | null = null;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly now: () => number;

  private constructor(private readonly o: NatsSyncRunnerOptions) {
    this.now = o.now ?? Date.now;
  }

  /**
   * Starts as the source says. With `strict` (the first start of a run), a command-line
   * configuration that cannot run rejects: the command ends with the reason. Otherwise, and
   * always for Settings, it is reported as misconfigured instead.
   */
  static async start(options: NatsSyncRunnerOptions, strict = false): Promise<NatsSyncRunner> {
    const runner = new NatsSyncRunner(options);
    await runner.apply(strict);
    return runner;
  }

  /** The running sync (tests and benchmarks wait on it), or null. */
  get sync(): NatsSync | null {
    return this.running?.sync ?? null;
  }

  /** Starts over on what the source says now (Settings changed). Never rejects. */
  restart(): Promise<void> {
    const next = this.queue.then(() => this.apply(false));
    this.queue = next.catch(() => undefined);
    return this.queue;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.stopRunning();
  }

  private async stopRunning(): Promise<void> {
    const running = this.running;
    this.running = null;
    await running?.stop();
  }

  private async apply(strict: boolean): Promise<void> {
    await this.stopRunning();
    if (this.closed) return;
    const source = await this.o.source();
    if (source.kind === 'off') {
      this.o.report(null);
      return;
    }
    const viewSource: NatsViewSource = source.kind === 'settings' ? 'settings' : 'command-line';
    let config: NatsSyncConfig | null = null;
    let secret: NatsSecret;
    let Sync: NatsSyncClass;
    try {
      config =
        source.kind === 'command-line'
          ? buildNatsSyncConfig(source.input)
          : natsConfigFromSettings(source.settings);
      secret =
        source.kind === 'command-line'
          ? await readNatsSecret(config.auth, source.env)
          : natsSecretFromSettings(
              config.auth,
              config.auth.kind === 'none' ? null : await savedSecret(source.secret),
            );
      if (this.o.simulated) {
        throw new NatsConfigError(
          'NATS sync does not run on the demo relay (its simulated check-ins would reach the venue): set a relay, or run without one (--no-relay)',
        );
      }
      if (config.caFile) await checkReadable(config.caFile);
      Sync = await loadNatsSync();
    } catch (error) {
      if (strict && source.kind === 'command-line') throw error;
      const reason = error instanceof Error ? error.message : String(error);
      this.o.log(`NATS sync: NOT STARTED: ${reason}`);
      this.o.report(misconfiguredView(viewSource, reason, this.now(), config));
      return;
    }
    if (this.closed) return;
    this.running = this.run(Sync, config, secret, viewSource);
  }

  private run(
    Sync: NatsSyncClass,
    config: NatsSyncConfig,
    secret: NatsSecret,
    source: NatsViewSource,
  ): Running {
    const { log } = this.o;
    const sync = new Sync({
      config,
      secret,
      collections: natsSyncCollections(this.o.db),
      laptop: this.o.laptop(),
      log,
    });
    const where =
      config.role === 'central'
        ? `the operations centre for ${config.venues.join(', ')}`
        : `venue ${config.venues[0]}`;
    log(
      `NATS sync: ${where} via ${config.servers.join(', ')}${source === 'settings' ? ' (Settings)' : ''}`,
    );
    let lastLine = '';
    let timer: NodeJS.Timeout | null = null;
    const report = (): void => {
      timer = null;
      this.o.report(natsSyncView(sync.status$.value, config, source));
    };
    const sub = sync.status$.subscribe((s) => {
      const line = describeNatsStatus(s);
      if (line !== lastLine) {
        log(line);
        // A change of the link is shown at once; counters at most every REPORT_EVERY_MS.
        if (timer) clearTimeout(timer);
        lastLine = line;
        report();
        return;
      }
      timer ??= setTimeout(report, this.o.reportEveryMs ?? REPORT_EVERY_MS);
    });
    // The operations centre states each venue's freshness on its own, not only when asked.
    const venueTimer =
      config.role === 'central'
        ? setInterval(() => log(describeVenues(sync.status$.value, this.now())), VENUE_LINE_MS)
        : null;
    venueTimer?.unref();
    sync.start();
    return {
      sync,
      stop: async () => {
        if (venueTimer) clearInterval(venueTimer);
        sub.unsubscribe();
        if (timer) clearTimeout(timer);
        await sync.stop();
        this.o.report(natsSyncView(sync.status$.value, config, source));
      },
    };
  }
}

async function savedSecret(
  read: () => Promise<NatsSecretValue | null>,
): Promise<NatsSecretValue | null> {
  try {
    return await read();
  } catch (error) {
    throw new NatsConfigError(error instanceof Error ? error.message : String(error));
  }
}

async function checkReadable(file: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    throw new NatsConfigError(`cannot read the NATS CA file ${file}: ${errorCode(error)}`);
  }
}
