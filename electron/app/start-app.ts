/**
 * What the Electron window hosts: the settings store, the core (relay link, ingest, store), the
 * dashboard services and an ApiRouter with every domain's handlers. When the relay URL or token
 * changes in the settings, the core is restarted on the new target (the demo and a real relay
 * keep separate databases, so this is a restart, not just a reconnect) and `onRestarted` lets the
 * window reload onto the new data. No electron import: tests run it under Node.
 */
import { startDashboardServices, type DashboardServices } from './dashboard-services';
import { relayStatusFromClient } from '../alerts/relay-status-source';
import { registerAllHandlers } from '../api/register-all';
import { ApiRouter, type CallContext } from '../api/router';
import type { ApiServices } from '../api/services';
import { startCore, type Core, type CoreOptions } from '.';
import { createHostReports, type HostReports, type SaveDialog } from '../reports';
import type { SecretStore } from '../settings/secret-store';
import { openSettingsStore, type SettingsStore } from '../settings/open-settings-store';
import type { RelayTarget } from '../settings/settings-service';
import { redactSecrets } from '../../shared/redact';
import type { ApiResult } from '../../shared/api';

export interface CoreHostOptions {
  readonly dataDir: string;
  readonly version: string;
  readonly secrets: SecretStore;
  /** The native save dialog for report exports (without it, files go to <dataDir>/exports). */
  readonly saveDialog?: SaveDialog;
  /** Test seams: memory storage, simulator settings. */
  readonly core?: Partial<Omit<CoreOptions, 'dataDir' | 'relayUrl' | 'token'>>;
  readonly settingsStorage?: 'sqlite' | 'memory';
  readonly log?: (line: string) => void;
  /** After a restart on a new relay target: windows should reload (their subscriptions are gone). */
  readonly onRestarted?: () => void;
}

/** What the IPC binding talks to; stays the same object across core restarts. */
export interface ApiEndpoint {
  query(channel: string, payload: unknown, ctx: CallContext): Promise<ApiResult<unknown>>;
  subscribe(
    channel: string,
    payload: unknown,
    emit: (event: unknown) => void,
    ctx: CallContext,
  ): ApiResult<() => void>;
}

export interface CoreHost {
  readonly api: ApiEndpoint;
  readonly settingsStore: SettingsStore;
  /** The running core (changes on restart). */
  core(): Core;
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
  readonly core: Core;
  readonly dashboard: DashboardServices;
  readonly reports: HostReports;
  readonly router: ApiRouter;
}

export async function startCoreHost(options: CoreHostOptions): Promise<CoreHost> {
  const log = options.log ?? ((line: string) => console.log(line));
  const settingsStore = await openSettingsStore({
    dataDir: options.dataDir,
    secrets: options.secrets,
    ...(options.settingsStorage ? { storage: options.settingsStorage } : {}),
    log: { warn: (m) => log(`warning: ${m}`) },
  });
  const { settings } = settingsStore;

  // Without a token the relay would refuse us; the demo keeps the app usable meanwhile,
  // clearly marked as simulated, and Settings shows that the token is missing.
  const warnTokenMissing = (target: RelayTarget): void =>
    log(
      `warning: a relay is configured but no relay token is set${target.tokenProblem ? ` (${target.tokenProblem})` : ''}; showing the demo relay until one is set`,
    );

  /** Where the core should connect now: null (the demo) when no relay or no token is set. */
  const effectiveTarget = (target: RelayTarget): string | null =>
    target.token === null ? null : target.url;

  /** `demoOnly`: the fallback when the configured relay cannot be started. */
  const startGeneration = async (demoOnly = false): Promise<Generation> => {
    const target = await settings.relayTarget();
    let relayUrl = demoOnly ? null : target.url;
    if (relayUrl !== null && target.token === null) {
      warnTokenMissing(target);
      relayUrl = null;
    }
    const core = await startCore({
      ...options.core,
      dataDir: options.dataDir,
      relayUrl,
      ...(relayUrl !== null && target.token !== null ? { token: target.token } : {}),
      log: (line) => log(redactSecrets(line, [target.token])),
    });
    let dashboard: DashboardServices;
    try {
      dashboard = await startDashboardServices({
        db: core.db,
        relay: relayStatusFromClient(core.relay, core.simulated),
        thresholds: () => settings.get().thresholds,
        capacity: () => settings.get().capacity,
      });
    } catch (error) {
      await core.close();
      throw error;
    }
    const reports = createHostReports({
      checkins: core.db.checkins,
      dataDir: options.dataDir,
      openAlerts: () => dashboard.alerts.list(false).alerts,
      ...(options.saveDialog ? { saveDialog: options.saveDialog } : {}),
    });
    const services: ApiServices = {
      appInfo: () => ({
        version: options.version,
        host: 'electron',
        demo: core.simulated,
        dataDir: options.dataDir,
      }),
      ...dashboard,
      reports: reports.service,
      settings,
    };
    const router = new ApiRouter();
    registerAllHandlers(router, services);
    return {
      url: relayUrl,
      token: relayUrl === null ? null : target.token,
      core,
      dashboard,
      reports,
      router,
    };
  };

  const stopGeneration = async (g: Generation): Promise<void> => {
    // Exports and the dashboard first: they read from (and the dashboard writes its snapshot
    // into) the core's database.
    await g.reports.close().catch((e: unknown) => log(`warning: reports close: ${String(e)}`));
    await g.dashboard.close().catch((e: unknown) => log(`warning: dashboard close: ${String(e)}`));
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

  const restart = (): Promise<void> => {
    restartWanted = true;
    // Coalesce: URL and token set in quick succession give one restart on the final target.
    // A failed restart is logged and never blocks the next one.
    restarting = restarting
      .catch(() => undefined)
      .then(async () => {
        if (!restartWanted || closed) return;
        restartWanted = false;
        const target = await settings.relayTarget();
        const url = effectiveTarget(target);
        // A token set while on the demo, or the same target again: nothing to reconnect.
        if (url === current.url && (url === null || target.token === current.token)) {
          if (target.url !== null && target.token === null) warnTokenMissing(target);
          return;
        }
        log('relay settings changed: restarting the core on the new relay');
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

  const stopWatching = settings.onRelayTargetChange(() => {
    restart().catch(() => undefined); // logged above
  });

  let closing: Promise<void> | null = null;
  return {
    settingsStore,
    api: {
      query: (channel, payload, ctx) => current.router.query(channel, payload, ctx),
      subscribe: (channel, payload, emit, ctx) =>
        current.router.subscribe(channel, payload, emit, ctx),
    },
    core: () => current.core,
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
