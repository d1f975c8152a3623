/**
 * The composition root: the one place that wires Gate Ops, called by both hosts (Electron main
 * and `gate-ops headless`). It opens the settings store, starts the core (store, ingest, relay
 * link or demo venue) on the relay target the settings name, composes the dashboard services
 * (activity, alerts, search, quarantine), the reports and the API router, and when the relay URL
 * or token changes it restarts the core on the new target (the demo and a real relay keep
 * separate databases, so this is a restart, not a reconnect). Next to each core it runs venue
 * sync over NATS JetStream when Settings or the command line say so (the command line wins),
 * and starts that over when its settings change. The hosts only carry the API
 * (IPC, loopback websocket) and add what only they have (a save dialog, the token flags).
 * No electron import: tests run it under Node.
 */
import type { AlertVm, ApiResult } from '../../shared/api';
import { registerAllHandlers, type ApiEndpoint, type ApiServices, ApiRouter } from '../api';
import { createHostReports, type HostReports, type SaveDialog } from '../reports';
import { redactSecrets } from '../../shared/redact';
import { forwardCriticalAlerts } from './critical-notifications';
import {
  openSettingsStore,
  type RelayTarget,
  type SecretStore,
  type SettingsStore,
  type SettingsStoreOptions,
} from '../settings';
import { relayStatusFromClient } from '../alerts';
import {
  NatsSyncRunner,
  venueServices,
  type NatsSyncConfigInput,
  type NatsSyncSource,
} from '../sync';
import { startDashboardServices, type DashboardServices } from './dashboard-services';
import { dashboardReportContext } from './report-context';
import { startCore, type Core, type CoreOptions } from './start-core';
import { APP_VERSION } from './version';

export type AppHost = 'electron' | 'headless';

/** Something that runs next to each core (venue sync, progress lines); returns how to detach. */
export type CoreAttachment = (core: Core) => Detach | void | Promise<Detach | void>;
type Detach = () => void | Promise<void>;

export interface AppOptions {
  readonly dataDir: string;
  readonly host: AppHost;
  /** Where the relay token lives: safeStorage in Electron, env/file/flags in headless mode. */
  readonly secrets: SecretStore;
  /** A relay given on the command line: wins over the saved one; the Settings view says so. */
  readonly relayOverride?: { readonly url: string; readonly note: string };
  /** Where the NATS secret lives: safeStorage in Electron, an owner-only file in headless mode. */
  readonly natsSecrets?: SecretStore;
  /**
   * NATS sync as the command line gives it (`--sync-nats…`): wins over Settings for this run,
   * and the Settings view says so with `note`. `env` holds GATE_OPS_NATS_PASSWORD.
   */
  readonly natsOverride?: {
    readonly input: NatsSyncConfigInput;
    readonly env: NodeJS.ProcessEnv;
    readonly note: string;
  };
  /** The native save dialog for report exports (without it, files go to <dataDir>/exports). */
  readonly saveDialog?: SaveDialog;
  /**
   * false: only the core and the settings (headless without a UI: nothing calls the API, so the
   * dashboard's start-up read of every check-in is not paid). Default true.
   */
  readonly api?: boolean;
  /** Test seams: how the stores open, simulator settings. */
  readonly core?: Partial<Omit<CoreOptions, 'dataDir' | 'relayUrl' | 'token' | 'log'>>;
  readonly openSettings?: SettingsStoreOptions['open'];
  readonly log?: (line: string) => void;
  /** After a restart on a new relay target: windows should reload (their subscriptions are gone). */
  readonly onRestarted?: () => void;
  /**
   * Critical alerts that just opened, when Settings want a desktop notification: Electron main
   * shows the OS's own (in a browser the page uses the Notification API itself).
   */
  readonly onCriticalAlerts?: (alerts: ReadonlyArray<AlertVm>) => void;
}

export interface GateOpsApp {
  /** What the hosts carry; stays the same object across core restarts. */
  readonly api: ApiEndpoint;
  readonly settingsStore: SettingsStore;
  /** The running core (changes on restart). */
  core(): Core;
  /** The running core's dashboard services; null when started with `api: false`. */
  dashboard(): DashboardServices | null;
  /** NATS sync next to the running core (its `sync` is null while off or misconfigured). */
  nats(): NatsSyncRunner;
  /**
   * Calls `attach` with the running core now and with each new one after a restart; what it
   * returns (a detach function) runs before that core stops. Settles once attached to the
   * running core (rejects if that fails); a failure on a later core is logged, and the app goes
   * on without it. Resolves to a function that stops attaching to new cores.
   */
  eachCore(attach: CoreAttachment): Promise<() => void>;
  /** The finished-report download for a host that serves HTTP (headless). */
  readonly reportDownload: HostReports['route'];
  /** Ask the relay client to reconnect at once (after sleep, when the network is back). */
  reconnectNow(): void;
  /** Settles when any restart in progress has finished. */
  idle(): Promise<void>;
  /** Stops the link, finishes the batch being written, closes every store. Idempotent. */
  close(): Promise<void>;
}

interface Generation {
  /** The relay it connects to (null: the demo) and with which token. */
  readonly url: string | null;
  readonly token: string | null;
  /** No relay and NATS sync on: the core runs without a relay link (its data comes over NATS). */
  readonly natsOnly: boolean;
  readonly core: Core;
  readonly nats: NatsSyncRunner;
  readonly dashboard: DashboardServices | null;
  readonly reports: HostReports | null;
  readonly router: ApiRouter;
  readonly detach: Detach[];
}

const noReports: HostReports['route'] = () => false;

export async function startApp(options: AppOptions): Promise<GateOpsApp> {
  const log = options.log ?? ((line: string) => console.log(line));
  const withApi = options.api ?? true;
  const settingsStore = await openSettingsStore({
    dataDir: options.dataDir,
    secrets: options.secrets,
    ...(options.relayOverride ? { relayOverride: options.relayOverride } : {}),
    ...(options.natsSecrets ? { natsSecrets: options.natsSecrets } : {}),
    ...(options.natsOverride ? { natsOverride: { note: options.natsOverride.note } } : {}),
    ...(options.openSettings ? { open: options.openSettings } : {}),
    log: { warn: (m) => log(`warning: ${m}`) },
  });
  const { settings } = settingsStore;

  // Without a token the relay would refuse us; the demo keeps the app usable meanwhile,
  // clearly marked as simulated, and Settings shows that the token is missing.
  const warnTokenMissing = (target: RelayTarget): void =>
    log(
      `warning: a relay is configured but no relay token is set${target.tokenProblem ? ` (${target.tokenProblem})` : ''}; ${natsOn() ? 'running without a relay link (data over NATS sync)' : 'showing the demo relay'} until one is set`,
    );

  /** Where the core should connect now: null (the demo) when no relay or no token is set. */
  const effectiveTarget = (target: RelayTarget): string | null =>
    target.token === null ? null : target.url;

  /** NATS sync is wanted: by the command line, else by Settings. */
  const natsOn = (): boolean =>
    options.natsOverride !== undefined || settings.get().natsSync.enabled;

  const natsSource = (): Promise<NatsSyncSource> => {
    const override = options.natsOverride;
    if (override) {
      return Promise.resolve({ kind: 'command-line', input: override.input, env: override.env });
    }
    const s = settings.get().natsSync;
    return Promise.resolve(
      s.enabled
        ? { kind: 'settings', settings: s, secret: () => settings.natsSecret() }
        : { kind: 'off' },
    );
  };

  /** The first core: a command-line NATS configuration that cannot run ends the start. */
  let firstGeneration = true;

  const attachments = new Set<CoreAttachment>();

  /** `demoOnly`: the fallback when the configured relay cannot be started. */
  const startGeneration = async (demoOnly = false): Promise<Generation> => {
    const target = await settings.relayTarget();
    let relayUrl = demoOnly ? null : target.url;
    if (relayUrl !== null && target.token === null) {
      warnTokenMissing(target);
      relayUrl = null;
    }
    // NATS sync on and no relay: the laptop's data comes over NATS (an operations centre, a
    // laptop at a stage with no relay of its own). The real database then, never the demo,
    // whose simulated check-ins must not reach a venue.
    const natsOnly = relayUrl === null && !demoOnly && natsOn();
    const core = await startCore({
      ...options.core,
      ...(natsOnly ? { noRelay: true } : {}),
      dataDir: options.dataDir,
      relayUrl,
      ...(relayUrl !== null && target.token !== null ? { token: target.token } : {}),
      log: (line) => log(redactSecrets(line, [target.token])),
      sync: {
        ...options.core?.sync,
        laptopName: options.core?.sync?.laptopName ?? (() => settings.get().laptopName),
      },
    });
    const venue = venueServices(core);
    let nats: NatsSyncRunner;
    try {
      nats = await NatsSyncRunner.start(
        {
          db: core.db,
          simulated: core.simulated,
          laptop: () => ({ id: core.sync.laptopId, name: core.sync.name() }),
          source: natsSource,
          report: (view) => core.sync.setNats(view),
          log,
        },
        firstGeneration,
      );
    } catch (error) {
      await core.close();
      throw error;
    }
    firstGeneration = false;
    // A query or a dashboard recomputation that hits a damaged file says so like a failed write.
    const router = new ApiRouter({
      onError: (error, channel) => core.reportReadError(error, channel),
    });
    let dashboard: DashboardServices | null = null;
    let reports: HostReports | null = null;
    if (withApi) {
      try {
        dashboard = await startDashboardServices({
          db: core.db,
          relay: relayStatusFromClient(core.relay, core.simulated, core.relayEnabled),
          store: core.storeHealth,
          thresholds: () => settings.get().thresholds,
          capacity: () => settings.get().capacity,
          ...(venue.alertAcks ? { alertAcks: venue.alertAcks } : {}),
          onError: (error, what) => core.reportReadError(error, what),
          onShortRead: (what, detail) => core.reportShortRead(what, detail),
        });
      } catch (error) {
        await nats.close();
        await core.close();
        throw error;
      }
      reports = createHostReports({
        checkins: core.db.checkins,
        dataDir: options.dataDir,
        context: dashboardReportContext(dashboard, core.db),
        ...(options.saveDialog ? { saveDialog: options.saveDialog } : {}),
      });
      const services: ApiServices = {
        appInfo: () => ({
          version: APP_VERSION,
          host: options.host,
          demo: core.simulated,
          dataDir: options.dataDir,
        }),
        ...dashboard,
        reports: reports.service,
        settings,
        sync: venue.sync,
        shiftLog: venue.shiftLog,
      };
      registerAllHandlers(router, services);
    }
    const generation: Generation = {
      url: relayUrl,
      token: relayUrl === null ? null : target.token,
      natsOnly,
      core,
      nats,
      dashboard,
      reports,
      router,
      detach: [],
    };
    if (dashboard && options.onCriticalAlerts) {
      generation.detach.push(
        forwardCriticalAlerts(
          dashboard.alerts.raised$,
          () => settings.get().notifications.desktop,
          options.onCriticalAlerts,
        ),
      );
    }
    for (const attach of attachments) {
      await attachTo(generation, attach).catch((error: unknown) =>
        log(`error: could not attach to the new core: ${redactSecrets(String(error))}`),
      );
    }
    return generation;
  };

  const attachTo = async (g: Generation, attach: CoreAttachment): Promise<void> => {
    const detach = await attach(g.core);
    if (detach) g.detach.push(detach);
  };

  const stopGeneration = async (g: Generation): Promise<void> => {
    for (const detach of g.detach.splice(0).reverse()) {
      await Promise.resolve()
        .then(detach)
        .catch((e: unknown) => log(`warning: detaching from the core: ${String(e)}`));
    }
    // Exports and the dashboard first: they read from (and the dashboard writes its snapshot
    // into) the core's database.
    await g.reports?.close().catch((e: unknown) => log(`warning: reports close: ${String(e)}`));
    await g.dashboard?.close().catch((e: unknown) => log(`warning: dashboard close: ${String(e)}`));
    await g.nats.close().catch((e: unknown) => log(`warning: NATS sync close: ${String(e)}`));
    await g.core.close();
  };

  let current: Generation;
  try {
    current = await startGeneration();
  } catch (error) {
    await settingsStore.close();
    throw error;
  }

  let closed = false;
  let restarting: Promise<void> = Promise.resolve();
  let restartWanted = false;
  let natsRestartWanted = false;

  /** `nats`: the NATS sync settings changed (the core restarts only if that changes its mode). */
  const restart = (nats = false): Promise<void> => {
    restartWanted = true;
    if (nats) natsRestartWanted = true;
    // Coalesce: URL and token set in quick succession give one restart on the final target.
    // A failed restart is logged and never blocks the next one.
    restarting = restarting
      .catch(() => undefined)
      .then(async () => {
        if (!restartWanted || closed) return;
        restartWanted = false;
        const natsChanged = natsRestartWanted;
        natsRestartWanted = false;
        const target = await settings.relayTarget();
        const url = effectiveTarget(target);
        const natsOnly = url === null && natsOn();
        // A token set while on the demo, or the same target again: nothing to reconnect.
        if (
          url === current.url &&
          (url === null || target.token === current.token) &&
          natsOnly === current.natsOnly
        ) {
          if (target.url !== null && target.token === null && !natsChanged) {
            warnTokenMissing(target);
          }
          if (natsChanged) await current.nats.restart();
          return;
        }
        log(
          natsOnly !== current.natsOnly
            ? `NATS sync turned ${natsOnly ? 'on with no relay: restarting the core without a relay link' : 'off: restarting the core'}`
            : 'relay settings changed: restarting the core on the new relay',
        );
        await stopGeneration(current);
        try {
          current = await startGeneration();
        } catch (error) {
          log(`error: could not start on the new relay: ${redactSecrets(String(error))}`);
          // Stay usable on the demo relay rather than with no core at all.
          try {
            current = await startGeneration(true);
          } catch (fallbackError) {
            log(`error: the demo relay did not start either: ${String(fallbackError)}`);
            throw fallbackError;
          }
        }
        options.onRestarted?.();
      });
    return restarting;
  };

  const stopWatchingRelay = settings.onRelayTargetChange(() => {
    restart().catch(() => undefined); // logged above
  });
  // The command line's NATS options win for the whole run: Settings changes wait for the next.
  const stopWatchingNats = settings.onChange((change) => {
    if (change.natsChanged && !options.natsOverride) restart(true).catch(() => undefined);
  });
  const stopWatching = (): void => {
    stopWatchingRelay();
    stopWatchingNats();
  };

  let closing: Promise<void> | null = null;
  return {
    settingsStore,
    api: {
      query: (channel, payload, ctx): Promise<ApiResult<unknown>> =>
        current.router.query(channel, payload, ctx),
      subscribe: (channel, payload, emit, ctx) =>
        current.router.subscribe(channel, payload, emit, ctx),
    },
    core: () => current.core,
    dashboard: () => current.dashboard,
    nats: () => current.nats,
    async eachCore(attach) {
      await attachTo(current, attach);
      attachments.add(attach);
      return () => void attachments.delete(attach);
    },
    reportDownload: (req, res, ctx) => (current.reports?.route ?? noReports)(req, res, ctx),
    reconnectNow: () => current.core.relay.reconnectNow(),
    idle: () => restarting.catch(() => undefined),
    close() {
      closing ??= (async () => {
        closed = true;
        stopWatching();
        await restarting.catch(() => undefined);
        await stopGeneration(current);
        await settingsStore.close();
      })();
      return closing;
    },
  };
}
