/**
 * Venue sync over NATS JetStream: the link (nats-link), the streams (venue-streams), one RxDB
 * replication per synced collection (jetstream-replication) and laptop presence. A venue laptop
 * pushes and pulls its venue's stream; the operations centre pulls the central stream, the union
 * of the venues, and states each venue's freshness. Runs with or without a relay link and next
 * to the LAN hub's replication (each has its own replication id and checkpoints).
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BehaviorSubject } from 'rxjs';
import { type Clock, systemClock } from '../../relay';
import {
  startCollectionReplication,
  type CollectionCounters,
  type CollectionReplication,
} from './jetstream-replication';
import type { NatsSyncConfig } from './nats-config';
import { NatsLink, type NatsLinkState } from './nats-link';
import type { NatsSecret } from './nats-secrets';
import { PRESENCE_TOKEN, type SyncCollection } from './sync-collection';
import { CENTRAL_STREAM, ensureCentralStream, ensureVenueStream } from './venue-streams';
import { PresenceReader, publishPresence, type VenueFreshness } from './venue-presence';

export interface NatsSyncStatus {
  readonly role: 'venue' | 'central';
  readonly venues: readonly string[];
  readonly stream: string | null;
  readonly link: NatsLinkState;
  readonly collections: Readonly<
    Record<string, Readonly<CollectionCounters> & { readonly error: string | null }>
  >;
  /** The operations centre: each venue's freshness. A venue laptop: its own venue's laptops. */
  readonly venuesSeen: readonly VenueFreshness[];
}

export interface NatsSyncOptions {
  readonly config: NatsSyncConfig;
  readonly secret: NatsSecret;
  readonly collections: readonly SyncCollection[];
  readonly laptop: { readonly id: string; readonly name: string };
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
  readonly presenceIntervalMs?: number;
  readonly pullBatchSize?: number;
  readonly pushBatchSize?: number;
}

export class NatsSync {
  readonly status$: BehaviorSubject<NatsSyncStatus>;
  private readonly link: NatsLink;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private replications: CollectionReplication[] = [];
  private presence: PresenceReader | null = null;
  private stream: string | null = null;
  private errors: Record<string, string | null> = {};

  constructor(private readonly options: NatsSyncOptions) {
    for (const c of options.collections) {
      if (c.name === PRESENCE_TOKEN || !/^[A-Za-z0-9_-]+$/.test(c.name)) {
        throw new Error(`a collection named ${JSON.stringify(c.name)} cannot sync over NATS`);
      }
    }
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? (() => undefined);
    this.link = new NatsLink({
      config: options.config,
      secret: options.secret,
      name: `gate-ops ${options.laptop.name}`,
      clock: this.clock,
      log: this.log,
      onConnection: (nc) => this.openSession(nc),
    });
    this.status$ = new BehaviorSubject<NatsSyncStatus>(this.snapshot());
    this.link.state$.subscribe(() => this.publishStatus());
  }

  /** Connection attempts so far (tests: a refused login is not retried in a storm). */
  get connectAttempts(): number {
    return this.link.attempts;
  }

  start(): void {
    this.link.start();
  }

  async stop(): Promise<void> {
    await this.link.stop();
    this.publishStatus();
  }

  /** Resolves when every collection's replication is idle with nothing left to push or pull. */
  async inSync(): Promise<void> {
    await Promise.all(this.replications.map((r) => r.state.awaitInSync()));
  }

  private snapshot(): NatsSyncStatus {
    const collections: Record<string, CollectionCounters & { error: string | null }> = {};
    for (const r of this.replications) {
      const name = r.state.collection.name;
      collections[name] = { ...r.counters, error: this.errors[name] ?? null };
    }
    const { config } = this.options;
    return {
      role: config.role,
      venues: config.venues,
      stream: this.stream,
      link: this.link?.state$.value ?? { state: 'connecting', attempt: 1 },
      collections,
      venuesSeen: this.presence ? this.presence.freshness(config.venues) : [],
    };
  }

  private publishStatus(): void {
    this.status$?.next(this.snapshot());
  }

  private async openSession(nc: NatsConnection): Promise<{ stop(): Promise<void> }> {
    const { config } = this.options;
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const info =
      config.role === 'central'
        ? await ensureCentralStream(jsm, config.venues, config.replicas ?? 1)
        : await ensureVenueStream(jsm, config.venues[0]!, config.replicas ?? 1);
    const stream = info.config.name;
    this.stream = stream;
    this.log(
      `NATS sync: stream ${stream} (${info.config.num_replicas} replica${info.config.num_replicas === 1 ? '' : 's'})`,
    );
    const pushVenue = config.role === 'venue' ? config.venues[0]! : null;
    const readVenue = config.role === 'central' ? '*' : config.venues[0]!;
    const subscriptions: { unsubscribe(): void }[] = [];
    this.replications = this.options.collections.map((spec) => {
      const r = startCollectionReplication({
        js,
        jsm,
        stream,
        streamCreated: info.created,
        spec,
        pushVenue,
        readVenue,
        log: this.log,
        now: () => this.clock.now(),
        ...(this.options.pullBatchSize ? { pullBatchSize: this.options.pullBatchSize } : {}),
        ...(this.options.pushBatchSize ? { pushBatchSize: this.options.pushBatchSize } : {}),
      });
      subscriptions.push(
        r.state.error$.subscribe((e) => {
          this.errors[spec.name] = e.message.split('\n')[0] ?? 'replication error';
          this.publishStatus();
        }),
        r.state.active$.subscribe(() => {
          if (this.errors[spec.name]) this.errors[spec.name] = null;
          this.publishStatus();
        }),
      );
      return r;
    });
    // A reconnect may follow a lost node: have every replication check the stream again.
    const statusLoop = (async () => {
      for await (const s of nc.status())
        if (s.type === 'reconnect') this.replications.forEach((r) => r.resync());
    })().catch(() => undefined);
    void statusLoop;
    this.presence = new PresenceReader(js, stream, readVenue, () => this.publishStatus());
    await this.presence.start();
    let presenceTimer: unknown = null;
    const sendPresence = async (): Promise<void> => {
      if (!pushVenue) return;
      const counts: Record<string, number> = {};
      for (const spec of this.options.collections)
        counts[spec.name] = await spec.collection.count().exec();
      await publishPresence(js, {
        laptopId: this.options.laptop.id,
        name: this.options.laptop.name,
        venue: pushVenue,
        at: this.clock.now(),
        counts,
      });
    };
    const schedulePresence = (): void => {
      presenceTimer = this.clock.setTimeout(() => {
        void sendPresence()
          .catch(() => undefined)
          .finally(() => {
            if (presenceTimer !== null) schedulePresence();
          });
      }, this.options.presenceIntervalMs ?? 10_000);
    };
    if (pushVenue) {
      await sendPresence().catch(() => undefined);
      schedulePresence();
    }
    this.publishStatus();
    return {
      stop: async () => {
        if (presenceTimer !== null) this.clock.clearTimeout(presenceTimer);
        presenceTimer = null;
        subscriptions.forEach((s) => s.unsubscribe());
        await this.presence?.stop();
        await Promise.all(this.replications.map((r) => r.stop()));
        this.replications = [];
      },
    };
  }
}

export { CENTRAL_STREAM };
