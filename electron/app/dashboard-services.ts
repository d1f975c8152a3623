/**
 * Starts what the supervisor dashboard needs on top of a running core: the activity model, the
 * alerts, check-in search and the quarantine browser. Both hosts (Electron main and headless
 * mode) call this once with the core's database and relay status, then register the API.
 */
import type { BehaviorSubject } from 'rxjs';
import type { StoreHealth } from '../../shared/api/channels/status';
import { storeAlerts } from '../../shared/domain/store-status';
import type { CapacitySettings, Thresholds } from '../../shared/settings';
import { AlertService, type AlertAckStore, type RelayStatusSource, StatusService } from '../alerts';
import type { GateOpsDatabase } from '../db';
import {
  ActivityService,
  CheckinSearch,
  ExpectedTicketsImport,
  ConflictBrowser,
  QuarantineBrowser,
} from '../activity';

export interface DashboardServices {
  readonly activity: ActivityService;
  readonly alerts: AlertService;
  readonly checkins: CheckinSearch;
  readonly quarantine: QuarantineBrowser;
  readonly conflicts: ConflictBrowser;
  readonly relay: RelayStatusSource;
  /** Outages, what a reconnect caught up, and whether "live" hides a problem. */
  readonly status: StatusService;
  /** Reads CSVs of expected tickets (expected attendance). */
  readonly expected: ExpectedTicketsImport;
  /** Stops timers and writes the activity snapshot; call before closing the database. */
  close(): Promise<void>;
}

export interface DashboardOptions {
  readonly db: GateOpsDatabase;
  readonly relay: RelayStatusSource;
  readonly now?: () => number;
  /** Read on every evaluation, so changed settings apply at once. */
  readonly thresholds?: () => Thresholds;
  /** Expected attendance (Settings), read on every overview. */
  readonly capacity?: () => CapacitySettings;
  readonly snapshotEveryMs?: number;
  readonly alertTickMs?: number;
  /** Where alert acknowledgements live (venue sync passes its own); default: this database. */
  readonly alertAcks?: AlertAckStore;
  /** Whether the store can save (the core's StoreHealthMonitor): banner, alerts. */
  readonly store?: { readonly state$: BehaviorSubject<StoreHealth> };
  /**
   * A background read or write of these services failed (nobody's caller sees it): the host
   * passes the core's `reportReadError`, so damage met here is shown and stops writing.
   */
  readonly onError?: (error: unknown, what: string) => void;
  /** A list read fewer rows than the store holds, with no error: the core's `reportShortRead`. */
  readonly onShortRead?: (what: string, detail: string) => void;
}

export async function startDashboardServices(
  options: DashboardOptions,
): Promise<DashboardServices> {
  const store = options.store;
  const onError = options.onError ? { onError: options.onError } : {};
  const activity = await ActivityService.start({
    db: options.db,
    ...(options.now ? { now: options.now } : {}),
    ...(options.thresholds ? { thresholds: options.thresholds } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
    ...(options.snapshotEveryMs !== undefined ? { snapshotEveryMs: options.snapshotEveryMs } : {}),
    ...onError,
  });
  const alerts = await AlertService.start({
    db: options.db,
    activity,
    relay: options.relay,
    ...(options.alertAcks ? { acks: options.alertAcks } : {}),
    ...(store ? { extraRules: () => storeAlerts(store.state$.value) } : {}),
    ...(options.alertTickMs !== undefined ? { tickMs: options.alertTickMs } : {}),
    ...onError,
  });
  const status = await StatusService.start({
    db: options.db,
    activity,
    relay: options.relay,
    ...(store ? { store: () => store.state$.value } : {}),
    ...(options.alertTickMs !== undefined ? { tickMs: options.alertTickMs } : {}),
    ...onError,
  });
  // A store fault is news at once, not at the next tick.
  const storeWatch = store?.state$.subscribe(
    () =>
      void alerts
        .evaluate()
        .catch((error: unknown) => options.onError?.(error, 'alert evaluation')),
  );
  return {
    activity,
    alerts,
    checkins: new CheckinSearch(
      options.db,
      () => activity.model.checkins,
      () => activity.model.lastIngestSeq + activity.model.lastFlip,
      options.onShortRead,
    ),
    quarantine: new QuarantineBrowser(options.db),
    conflicts: new ConflictBrowser(options.db),
    expected: new ExpectedTicketsImport(() => {
      // A file without an event column belongs to the one event in the store, if there is one.
      const ids = [...activity.model.events.keys()];
      return ids.length === 1 ? (ids[0] ?? null) : null;
    }),
    relay: options.relay,
    status,
    async close() {
      storeWatch?.unsubscribe();
      await status.close();
      await alerts.close();
      await activity.close();
    },
  };
}
