/**
 * Venue sync for one laptop: off, the venue hub, or joined to a hub. Owns the identity store,
 * the hub server or the hub link + RxDB replications, and the status every view and `stats`
 * read (role, link, team, in sync through, pending, when data last arrived). Switching role is
 * one call (become hub, join with a code, leave); the role survives a restart.
 */
import { hostname } from 'node:os';
import { normalizeMangoQuery, prepareQuery, type RxCollection } from 'rxdb';
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import type QRCodeModule from 'qrcode';
import type { NatsSyncView, SyncStatus, TeamLaptop } from '../../shared/api/channels/sync';
import { isPeerPush } from './hub/guarded-handler';
import { HubServer } from './hub/hub-server';
import { HubLink } from './join/hub-link';
import { Joiner, type JoinerOptions } from './join/joiner';
import { pendingCount } from './join/pending-count';
import { parseJoinCode } from './pairing/join-code';
import { newPairingSecret, SyncIdentityStore, type SyncRole } from './sync-identity';
import { SYNC_COLLECTION_NAMES, type SyncCollectionName } from './sync-collections';
import type { LaptopStatus, TeamMember } from './wire/frames';

export interface LocalFacts {
  readonly relay: LaptopStatus['relay'];
  readonly simulated: boolean;
  readonly checkins: () => Promise<number>;
}

export interface VenueSyncOptions {
  readonly dataDir: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly collections: Readonly<Partial<Record<SyncCollectionName, RxCollection<any>>>>;
  /** The laptop's name (Settings: "This laptop"); empty: the computer's host name. */
  readonly laptopName: () => string;
  readonly local: () => LocalFacts;
  /** Role to take now instead of the stored one (command-line flags). */
  readonly role?: SyncRole;
  /** Address the hub listens on (default every interface: the venue LAN). */
  readonly hubHost?: string;
  readonly statusEveryMs?: number;
  /** Keeps the latest status where `gate-ops stats` (another process) can read it. */
  readonly persist?: (status: SyncStatus) => Promise<void>;
  readonly log?: (line: string) => void;
  /** A document of this laptop replaced by the hub's version (see Joiner's `onResolved`). */
  readonly onResolved?: JoinerOptions['onResolved'];
}

const EMPTY_WIRE = { sent: 0, received: 0 };

let qrCodeModule: Promise<typeof QRCodeModule> | null = null;

/**
 * qrcode (with pngjs, about 60 files) is loaded when a join code is first drawn, not at every
 * start: only a hub shows one. A failed load rejects with a message that names it.
 */
function loadQrCode(): Promise<typeof QRCodeModule> {
  qrCodeModule ??= import('qrcode').then(
    (m) => m.default,
    (error: unknown) => {
      qrCodeModule = null;
      throw new Error(
        `could not load the QR code library (qrcode): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    },
  );
  return qrCodeModule;
}

export class VenueSync {
  private hub: HubServer | null = null;
  private link: HubLink | null = null;
  private joiner: Joiner | null = null;
  private linkSub: Subscription | null = null;
  private readonly subs: Subscription[] = [];
  private readonly status = new BehaviorSubject<SyncStatus>(this.blankStatus());
  private timer: NodeJS.Timeout | null = null;
  private lastArrivalAt: number | null = null;
  private pending = 0;
  private checkins = 0;
  private hubNewest: number | null = null;
  /** The hub's check-ins changed since `hubNewest` was read (it is read again only then). */
  private hubNewestStale = true;
  private switching: Promise<void> = Promise.resolve();
  private closed = false;
  private persistedSignature = '';
  private nats: NatsSyncView | null = null;

  readonly status$: Observable<SyncStatus> = this.status.asObservable();

  private constructor(
    private readonly options: VenueSyncOptions,
    private readonly identity: SyncIdentityStore,
  ) {}

  static async start(options: VenueSyncOptions): Promise<VenueSync> {
    const identity = await SyncIdentityStore.open(options.dataDir, options.log);
    const sync = new VenueSync(options, identity);
    sync.watchArrivals();
    sync.stopWithStore();
    // A role given now (command-line flags) is also the one to come back to after a restart.
    if (options.role) await identity.update({ role: options.role });
    await sync.apply(identity.identity.role);
    sync.timer = setInterval(() => void sync.refresh(), options.statusEveryMs ?? 2000);
    sync.timer.unref();
    await sync.refresh();
    return sync;
  }

  get current(): SyncStatus {
    return this.status.value;
  }

  get laptopId(): string {
    return this.identity.identity.laptopId;
  }

  name(): string {
    return this.options.laptopName().trim() || hostname().slice(0, 80) || 'Gate Ops laptop';
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  becomeHub(port: number): Promise<void> {
    return this.switchTo({ kind: 'hub', host: this.options.hubHost ?? '0.0.0.0', port });
  }

  /** Joins with a pasted or scanned code; a code that does not parse throws JoinCodeError. */
  join(codeText: string): Promise<void> {
    parseJoinCode(codeText);
    return this.switchTo({ kind: 'joined', code: codeText.trim() });
  }

  leave(): Promise<void> {
    return this.switchTo({ kind: 'off' });
  }

  /** A new join code: every laptop paired with the old one is cut and must pair again. */
  async newCode(): Promise<void> {
    if (!this.hub) throw new Error('only the hub issues join codes');
    await this.hub.rotateCode(newPairingSecret());
    await this.refresh();
  }

  joinCodeText(): string | null {
    return this.hub ? this.hub.joinCodeText() : null;
  }

  /** The join code as QR modules (error correction M: readable off a laptop screen). */
  async joinCodeQr(): Promise<{ text: string; size: number; modules: string } | null> {
    const text = this.joinCodeText();
    if (text === null) return null;
    const QRCode = await loadQrCode();
    const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
    let modules = '';
    for (let i = 0; i < qr.modules.data.length; i++) modules += qr.modules.data[i] ? '1' : '0';
    return { text, size: qr.modules.size, modules };
  }

  /** The join code drawn for a terminal (`--sync-listen`). */
  async joinCodeTerminal(): Promise<string | null> {
    const text = this.joinCodeText();
    return text === null
      ? null
      : (await loadQrCode()).toString(text, { type: 'utf8', errorCorrectionLevel: 'M' });
  }

  /**
   * The NATS JetStream transport's state, shown in the same status (Team view, `stats`): the
   * composition root runs NATS sync beside this one and reports it here; null when it is off.
   * Stored with the next periodic refresh.
   */
  setNats(view: NatsSyncView | null): void {
    if (this.closed) return;
    this.nats = view;
    this.status.next({ ...this.status.value, nats: view });
  }

  /** Resolves when a joined laptop's replications have nothing left to pull or push. */
  async awaitInSync(): Promise<void> {
    await this.switching;
    await this.joiner?.awaitInSync();
  }

  private switchTo(role: SyncRole): Promise<void> {
    const next = this.switching.then(async () => {
      await this.identity.update({ role });
      await this.apply(role);
      await this.refresh();
    });
    this.switching = next.catch(() => undefined);
    return next;
  }

  private async apply(role: SyncRole): Promise<void> {
    await this.stopRole();
    if (this.closed) return;
    const collections = this.syncCollections();
    if (role.kind === 'hub') {
      const id = this.identity.identity;
      this.hub = await HubServer.start({
        laptopId: id.laptopId,
        name: () => this.name(),
        tls: id.tls,
        collections: collections as never,
        pairing: {
          secret: id.pairing.secret,
          generation: id.pairing.generation,
          retired: new Map(id.pairing.retired),
        },
        onPairingChanged: (p) =>
          this.identity.update({
            pairing: { secret: p.secret, generation: p.generation, retired: [...p.retired] },
          }),
        host: role.host,
        port: role.port,
        localStatus: () => this.localStatus(),
        log: (l) => this.log(l),
      });
      this.hub.onTeamChange(() => void this.refresh());
      this.log(
        `venue sync: this laptop is the hub on port ${this.hub.port}; join code: ${this.hub.joinCodeText()}`,
      );
    } else if (role.kind === 'joined') {
      const code = parseJoinCode(role.code);
      this.link = new HubLink({
        code,
        laptopId: this.laptopId,
        name: () => this.name(),
        simulated: this.options.local().simulated,
        log: (l) => this.log(l),
      });
      this.joiner = new Joiner({
        link: this.link,
        collections,
        log: (l) => this.log(l),
        ...(this.options.onResolved ? { onResolved: this.options.onResolved } : {}),
      });
      this.linkSub = this.link.state$.subscribe((s) => {
        if (s.kind === 'live') this.link?.sendStatus(this.localStatus());
        void this.refresh();
      });
      this.link.team$.subscribe(() => void this.refresh());
      this.link.start();
    }
  }

  private syncCollections(): Partial<Record<SyncCollectionName, RxCollection>> {
    const out: Partial<Record<SyncCollectionName, RxCollection>> = {};
    for (const name of SYNC_COLLECTION_NAMES) {
      const c = this.options.collections[name];
      if (c) out[name] = c;
    }
    return out;
  }

  /**
   * Venue sync cannot outlive its store. The core closes venue sync before the store; if the
   * store is closed first anyway (another database of the same name opened in this process
   * closes it: RxDB's `closeDuplicates`), the hub would go on answering every pull with an
   * error and its laptops would retry forever with the link shown live. Stop instead, so they
   * see the hub leave and say so.
   */
  private stopWithStore(): void {
    for (const c of Object.values(this.syncCollections())) {
      c.onClose.push(async () => {
        if (this.closed) return;
        this.log("venue sync: stopped, because this laptop's store was closed");
        await this.close().catch((error: unknown) =>
          this.log(`venue sync: stopping: ${String(error)}`),
        );
      });
    }
  }

  /** Writes that are not this laptop's own ingest or UI: documents arriving over venue sync. */
  private watchArrivals(): void {
    for (const c of Object.values(this.syncCollections())) {
      this.subs.push(
        c.storageInstance.changeStream().subscribe((bulk) => {
          if (c === this.options.collections.checkins) this.hubNewestStale = true;
          const ctx = bulk.context;
          const peerPush = isPeerPush(ctx);
          if (ctx.startsWith('replication-downstream') || peerPush) {
            if (this.hub && !peerPush) return;
            this.lastArrivalAt = Date.now();
          }
        }),
      );
    }
  }

  private localStatus(): LaptopStatus {
    const local = this.options.local();
    return {
      relay: local.relay,
      simulated: local.simulated,
      checkins: this.checkins,
      pending: this.pending,
      inSyncThrough: this.hub ? this.hubNewest : this.downCheckpoint(),
    };
  }

  private downCheckpoint(): number | null {
    const state = this.joiner?.replication('checkins')?.internalReplicationState;
    const cp = state?.lastCheckpointDoc['down']?.checkpointData as { lwt?: number } | undefined;
    return typeof cp?.lwt === 'number' ? Math.floor(cp.lwt) : null;
  }

  private async refresh(): Promise<void> {
    if (this.closed) return;
    try {
      this.checkins = await this.options.local().checkins();
      if (this.hub && this.hubNewestStale) {
        this.hubNewestStale = false;
        this.hubNewest = await newestChange(this.options.collections.checkins);
      }
      const joiner = this.joiner;
      const states = SYNC_COLLECTION_NAMES.map(
        (c) => joiner?.replication(c)?.internalReplicationState,
      );
      // While a replication stores what it pulled, its upstream checkpoint lags behind those
      // documents (RxDB moves it past them afterwards), so counting would read them all again
      // every refresh: the last count stands until the pull is stored.
      if (!joiner) this.pending = 0;
      else if (!states.some((s) => s?.events.active.down.getValue())) {
        this.pending = await pendingCount(states);
      }
      if (this.link?.current.kind === 'live') this.link.sendStatus(this.localStatus());
      this.hub?.statusChanged();
      const snapshot = this.snapshot();
      this.status.next(snapshot);
      const signature = JSON.stringify({
        ...snapshot,
        wire: null,
        laptops: snapshot.laptops.map((l) => ({ ...l, lastContactAt: 0 })),
      });
      if (signature !== this.persistedSignature && this.options.persist) {
        this.persistedSignature = signature;
        await this.options.persist(snapshot);
      }
    } catch (error) {
      if (!this.closed) this.log(`venue sync: status: ${String(error)}`);
    }
  }

  private snapshot(): SyncStatus {
    const me = this.laptopId;
    const members: TeamMember[] = this.hub ? this.hub.team() : (this.link?.team?.laptops ?? []);
    const hubMember = members.find((m) => m.role === 'hub');
    const hubNewest = hubMember?.status?.inSyncThrough ?? null;
    const laptops: TeamLaptop[] = members.map((m) => {
      const through = m.role === 'hub' ? hubNewest : (m.status?.inSyncThrough ?? null);
      return {
        laptopId: m.laptopId,
        name: m.name,
        role: m.role,
        connected: m.connected,
        lastContactAt: m.lastContactAt,
        relay: m.status?.relay ?? null,
        checkins: m.status?.checkins ?? null,
        pending: m.status?.pending ?? null,
        behindMs: hubNewest !== null && through !== null ? Math.max(0, hubNewest - through) : null,
        isThisLaptop: m.laptopId === me,
      };
    });
    const linkState = this.link?.current;
    return {
      role: this.hub ? 'hub' : this.link ? 'joined' : 'off',
      laptopId: me,
      laptopName: this.name(),
      hub: this.hub
        ? {
            port: this.hub.port,
            addresses: [...this.hub.joinCode().addresses],
            joinCode: this.hub.joinCodeText(),
            connectedLaptops: this.hub.connectedPeers,
          }
        : null,
      link: linkState
        ? {
            state: linkState.kind,
            since: linkState.since,
            ...(linkState.kind === 'live' ? { hubName: linkState.hubName } : {}),
            ...(linkState.kind === 'down' || linkState.kind === 'refused'
              ? { reason: linkState.reason }
              : {}),
            ...(linkState.kind === 'down' ? { nextTryAt: linkState.nextTryAt } : {}),
          }
        : null,
      laptops,
      inSyncThrough: this.hub ? this.hubNewest : this.downCheckpoint(),
      checkins: this.checkins,
      pending: this.pending,
      lastArrivalAt: this.lastArrivalAt,
      wire: this.hub?.wireBytes() ?? this.link?.wireBytes() ?? EMPTY_WIRE,
      nats: this.nats,
    };
  }

  private blankStatus(): SyncStatus {
    return {
      role: 'off',
      laptopId: '',
      laptopName: '',
      hub: null,
      link: null,
      laptops: [],
      inSyncThrough: null,
      checkins: 0,
      pending: 0,
      lastArrivalAt: null,
      wire: EMPTY_WIRE,
      nats: null,
    };
  }

  private async stopRole(): Promise<void> {
    this.linkSub?.unsubscribe();
    this.linkSub = null;
    await this.joiner?.stop();
    await this.link?.stop();
    await this.hub?.close();
    this.joiner = null;
    this.link = null;
    this.hub = null;
    this.hubNewestStale = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.switching;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subs) s.unsubscribe();
    await this.stopRole();
    this.status.complete();
  }
}

/** The newest change's time (`_meta.lwt`) in a collection, from the index RxDB keeps on it. */
async function newestChange(collection: RxCollection | undefined): Promise<number | null> {
  if (!collection) return null;
  const schema = collection.storageInstance.schema;
  const query = normalizeMangoQuery(schema, {
    selector: {},
    sort: [{ '_meta.lwt': 'desc' } as never],
    limit: 1,
  });
  const docs = await collection.storageInstance.query(prepareQuery(schema, query));
  const doc = docs.documents[0] as { _meta?: { lwt?: number } } | undefined;
  return typeof doc?._meta?.lwt === 'number' ? Math.floor(doc._meta.lwt) : null;
}
