/**
 * The core: storage + database + ingest pipeline + relay client, composed once and used by both
 * hosts (Electron main and headless mode). With no relay URL it starts the built-in relay
 * simulator on 127.0.0.1 and says so (`simulated: true`): demo data lives in its own database
 * file so it never mixes with a real event's.
 */
import { randomBytes } from 'node:crypto';
import { IngestPipeline, StoreHealthMonitor, type IngestOptions } from '../ingest';
import { RelayClient, type Clock, type RelayClientOptions } from '../relay';
import {
  startRelaySimulator,
  type RelaySimulator,
  type RelaySimulatorOptions,
} from '../demo-venue';
import {
  DATABASE_NAME,
  DEMO_DATABASE_NAME,
  openStore,
  type GateOpsDatabase,
  type OpenStore,
} from '../db';
import { startVenueSync, type CoreSyncOptions, type VenueSync } from '../sync';
import { startStoreChecks, type StoreChecks } from './store-checks';

export interface CoreOptions {
  readonly dataDir: string;
  /** ws:// or wss:// URL of the relay; absent or null: the built-in simulator (demo). */
  readonly relayUrl?: string | null;
  readonly token?: string;
  /** How the store opens (tests pass an in-memory one); default: the SQLite file. */
  readonly openStore?: OpenStore;
  readonly clock?: Clock;
  /** Overrides for the demo simulator (tests: a seed, a rate, a backlog). */
  readonly simulator?: Partial<Omit<RelaySimulatorOptions, 'token'>>;
  readonly ingest?: Partial<Omit<IngestOptions, 'db' | 'transaction'>>;
  readonly relay?: Partial<Omit<RelayClientOptions, 'url' | 'token' | 'sink'>>;
  readonly log?: (line: string) => void;
  /**
   * No relay link of this laptop's own (`--no-relay`): its data comes over venue sync only.
   * Uses the real (not the demo) database, and no simulator is started.
   */
  readonly noRelay?: boolean;
  /** Venue sync: the role to take (else the stored one), the laptop's name, the hub's address. */
  readonly sync?: CoreSyncOptions;
}

export interface Core {
  readonly db: GateOpsDatabase;
  readonly ingest: IngestPipeline;
  readonly relay: RelayClient;
  /** Whether the store can save: faults, damage, sequence anomalies. */
  readonly storeHealth: StoreHealthMonitor;
  /** The demo relay when no relay is configured, else null. */
  readonly simulator: RelaySimulator | null;
  /** True when the data comes from the built-in simulator. */
  readonly simulated: boolean;
  readonly databaseFile: string | null;
  /** Venue sync with the other laptops (off, hub or joined). */
  readonly sync: VenueSync;
  /** False with `--no-relay`: the relay client is never started. */
  readonly relayEnabled: boolean;
  /**
   * A read of this core's store failed (an API query, a dashboard recomputation; `what` says
   * which): damage found that way stops writing and is shown, as damage found by a check.
   */
  reportReadError(error: unknown, what: string): void;
  /**
   * A read of this core's store returned fewer rows than the store holds, with no error: the
   * full integrity check runs in the background, and damage it finds is shown and stops writing.
   */
  reportShortRead(what: string, detail: string): void;
  /** Stops the link, commits the batch being written and what is queued, closes the store. */
  close(): Promise<void>;
}

export async function startCore(options: CoreOptions): Promise<Core> {
  const log = options.log ?? (() => undefined);
  const noRelay = options.noRelay === true;
  const simulated = !options.relayUrl && !noRelay;
  const store = await (options.openStore ?? openStore)(
    options.dataDir,
    simulated ? DEMO_DATABASE_NAME : DATABASE_NAME,
  );
  let simulator: RelaySimulator | null = null;
  let relay: RelayClient | null = null;
  let sync: VenueSync | null = null;
  let checks: StoreChecks | null = null;
  try {
    const ingest = await IngestPipeline.open({
      relay: simulated ? 'demo' : (options.relayUrl ?? ''),
      ...options.ingest,
      db: store.db,
      transaction: store.transaction,
      ...(options.clock ? { now: () => options.clock!.now() } : {}),
    });
    let url = noRelay ? 'wss://no-relay.invalid/' : (options.relayUrl ?? '');
    let token = options.token ?? '';
    if (simulated) {
      token = randomBytes(24).toString('base64url');
      // Continue after the newest stamp the demo database holds (the cursor lags it by one).
      const newest = ingest.latestSequence;
      simulator = await startRelaySimulator({
        seed: Date.now() % 2_147_483_647,
        preset: 'stadium',
        rate: 20,
        arrivalCurve: true,
        backlog: 3000,
        backlogSpanMs: 45 * 60_000,
        ...options.simulator,
        host: '127.0.0.1',
        port: options.simulator?.port ?? 0,
        token,
        sequenceBase: newest !== null && /^\d+$/.test(newest) ? Number(newest) : 0,
      });
      url = simulator.url;
      log(`No relay configured: showing SIMULATED data from the built-in demo relay (${url}).`);
    } else if (!token && !noRelay) {
      throw new Error('a relay token is needed to connect to a relay');
    }
    relay = new RelayClient({
      ...options.relay,
      ...(options.clock ? { clock: options.clock } : {}),
      url,
      token,
      sink: ingest,
    });
    const client = relay;
    // Says when the store cannot save (the banner, alerts, and one log line per change).
    const storeHealth = new StoreHealthMonitor(ingest, {
      log,
      keptAside: store.startup?.keptAside ?? [],
    });
    // A damaged file found at open was kept aside; after an unclean shutdown the full check runs.
    checks = startStoreChecks({
      file: store.file,
      startup: store.startup,
      ingest,
      health: storeHealth,
      log,
      ...(options.clock ? { now: () => options.clock!.now() } : {}),
    });
    // Venue sync first: it is set up (identity, certificate) before the relay link starts.
    sync = await startVenueSync({
      dataDir: options.dataDir,
      db: store.db,
      relay: client,
      relayEnabled: !noRelay,
      simulated,
      options: options.sync ?? {},
      log,
    });
    const venue = sync;
    const storeChecks = checks;
    if (noRelay)
      log('No relay link on this laptop: its data arrives over venue sync only (LAN hub or NATS).');
    else client.start();
    let closing: Promise<void> | null = null;
    const sim = simulator;
    return {
      db: store.db,
      ingest,
      relay: client,
      storeHealth,
      simulator: sim,
      simulated,
      databaseFile: store.file,
      sync: venue,
      relayEnabled: !noRelay,
      reportReadError: (error, what) => storeChecks.readFailed(error, what),
      reportShortRead: (what, detail) => storeChecks.readShort(what, detail),
      close() {
        closing ??= (async () => {
          storeChecks.close();
          await venue.close();
          await client.stop();
          await ingest.close();
          storeHealth.close();
          await sim?.stop();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    checks?.close();
    await sync?.close();
    await relay?.stop();
    await simulator?.stop();
    await store.close();
    throw error;
  }
}
