/**
 * The core: storage + database + ingest pipeline + relay client, composed once and used by both
 * hosts (Electron main and headless mode). With no relay URL it starts the built-in relay
 * simulator on 127.0.0.1 and says so (`simulated: true`): demo data lives in its own database
 * file so it never mixes with a real event's.
 */
import { randomBytes } from 'node:crypto';
import type { GateOpsDatabase } from '../db';
import { IngestPipeline, type IngestOptions } from '../ingest';
import { RelayClient, type Clock, type RelayClientOptions } from '../relay';
import {
  startRelaySimulator,
  type RelaySimulator,
  type RelaySimulatorOptions,
} from '../demo-venue';
import { DATABASE_NAME, DEMO_DATABASE_NAME, openStore, type StoreKind } from '../db/open-store';

export interface CoreOptions {
  readonly dataDir: string;
  /** ws:// or wss:// URL of the relay; absent or null: the built-in simulator (demo). */
  readonly relayUrl?: string | null;
  readonly token?: string;
  readonly storage?: StoreKind;
  readonly clock?: Clock;
  /** Overrides for the demo simulator (tests: a seed, a rate, a backlog). */
  readonly simulator?: Partial<Omit<RelaySimulatorOptions, 'token'>>;
  readonly ingest?: Partial<Omit<IngestOptions, 'db' | 'transaction'>>;
  readonly relay?: Partial<Omit<RelayClientOptions, 'url' | 'token' | 'sink'>>;
  readonly log?: (line: string) => void;
}

export interface Core {
  readonly db: GateOpsDatabase;
  readonly ingest: IngestPipeline;
  readonly relay: RelayClient;
  /** The demo relay when no relay is configured, else null. */
  readonly simulator: RelaySimulator | null;
  /** True when the data comes from the built-in simulator. */
  readonly simulated: boolean;
  readonly databaseFile: string | null;
  /** Stops the link, commits the batch being written and what is queued, closes the store. */
  close(): Promise<void>;
}

export async function startCore(options: CoreOptions): Promise<Core> {
  const log = options.log ?? (() => undefined);
  const simulated = !options.relayUrl;
  const store = await openStore(
    options.dataDir,
    options.storage ?? 'sqlite',
    simulated ? DEMO_DATABASE_NAME : DATABASE_NAME,
  );
  let simulator: RelaySimulator | null = null;
  let relay: RelayClient | null = null;
  try {
    const ingest = await IngestPipeline.open({
      relay: simulated ? 'demo' : (options.relayUrl ?? ''),
      ...options.ingest,
      db: store.db,
      transaction: store.transaction,
      ...(options.clock ? { now: () => options.clock!.now() } : {}),
    });
    let url = options.relayUrl ?? '';
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
    } else if (!token) {
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
    ingest.on('batch-committed', (b) =>
      client.reportIngest({
        stored: b.totals.stored,
        redelivered: b.totals.redelivered,
        conflicts: b.totals.conflicts,
        rejected: b.totals.quarantined,
        skipped: b.totals.skipped,
      }),
    );
    const t = ingest.totals;
    client.reportIngest({
      stored: t.stored,
      redelivered: t.redelivered,
      conflicts: t.conflicts,
      rejected: t.quarantined,
      skipped: t.skipped,
    });
    client.start();
    let closing: Promise<void> | null = null;
    const sim = simulator;
    return {
      db: store.db,
      ingest,
      relay: client,
      simulator: sim,
      simulated,
      databaseFile: store.file,
      close() {
        closing ??= (async () => {
          await client.stop();
          await ingest.close();
          await sim?.stop();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await relay?.stop();
    await simulator?.stop();
    await store.close();
    throw error;
  }
}

export { DATABASE_NAME, DEMO_DATABASE_NAME };
