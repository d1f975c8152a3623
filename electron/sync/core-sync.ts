/**
 * Venue sync as the core starts it: the synced collections of the store, this laptop's relay
 * link state and check-in count for the team roster.
 */
import { LocalAlertAckStore, type AlertAckStore } from '../alerts';
import { localCheckIns, type GateOpsDatabase } from '../db';
import { recordResolvedConflicts } from './resolved-conflicts';
import { SYNC_STATUS_ID } from './sync-stats';
import { ShiftLog } from './team/shift-log';
import { SyncedAlertAckStore } from './team/synced-ack-store';
import type { RelayClient } from '../relay';
import type { SyncRole } from './sync-identity';
import { VenueSync } from './venue-sync';
import type { LaptopStatus } from './wire/frames';

export interface CoreSyncOptions {
  /** Role to take now (`--sync-listen`, `--sync-join`); default: the one stored last time. */
  readonly role?: SyncRole;
  /** The laptop's name; default: the computer's host name. */
  readonly laptopName?: () => string;
  /** Address the hub listens on: '0.0.0.0' (the venue LAN, default) or one address. */
  readonly hubHost?: string;
}

export function startVenueSync(args: {
  readonly dataDir: string;
  readonly db: GateOpsDatabase;
  readonly relay: RelayClient;
  readonly relayEnabled: boolean;
  readonly simulated: boolean;
  readonly options: CoreSyncOptions;
  readonly log: (line: string) => void;
}): Promise<VenueSync> {
  const { db, relay } = args;
  return VenueSync.start({
    dataDir: args.dataDir,
    collections: {
      checkins: db.checkins,
      acks: db.acks,
      notes: db.notes,
      conflicts: db.conflicts,
    },
    // A check-in of this laptop that lost to the hub's version is kept as a conflict.
    onResolved: recordResolvedConflicts(db, args.log),
    laptopName: args.options.laptopName ?? (() => ''),
    local: () => ({
      relay: args.relayEnabled ? relayState(relay.status.state.kind) : 'none',
      simulated: args.simulated,
      // Every stored check-in has one row of local facts: counting that narrow table is ~1 ms at
      // 100k, where RxDB's count over the documents took 170 ms (1.7 s at 1M, every 2 s, and
      // awaited once before the app's start finishes).
      checkins: async () => localCheckIns(db).count(),
    }),
    ...(args.options.role ? { role: args.options.role } : {}),
    ...(args.options.hubHost ? { hubHost: args.options.hubHost } : {}),
    persist: async (status) => {
      await db.state.upsert({
        id: SYNC_STATUS_ID,
        value: status as unknown as Record<string, unknown>,
        updatedAt: Date.now(),
      });
    },
    log: args.log,
  });
}

function relayState(kind: string): LaptopStatus['relay'] {
  switch (kind) {
    case 'live':
      return 'live';
    case 'connecting':
    case 'idle':
      return 'connecting';
    case 'reconnecting':
      return 'reconnecting';
    case 'auth-failed':
      return 'auth-failed';
    default:
      return 'offline';
  }
}

/** What the dashboard of a core gets from venue sync: the API's services and the ack store. */
export function venueServices(core: { db: GateOpsDatabase; sync: VenueSync }): {
  readonly sync: VenueSync;
  readonly shiftLog: ShiftLog;
  readonly alertAcks: AlertAckStore;
} {
  const laptopId = () => core.sync.laptopId;
  const author = () => core.sync.name();
  return {
    sync: core.sync,
    shiftLog: new ShiftLog({ notes: core.db.notes, laptopId, author }),
    // Acknowledgements made before venue sync (kept in a local document) still count here.
    alertAcks: new SyncedAlertAckStore(
      core.db.acks,
      laptopId,
      author,
      new LocalAlertAckStore(core.db, Date.now),
    ),
  };
}
