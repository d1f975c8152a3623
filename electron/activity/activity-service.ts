/**
 * The activity model in main: the pure aggregator (shared/domain) kept up to date as check-ins
 * are committed, and stored with the data. On start it loads the snapshot from the `state`
 * collection (tagged with the last ingest sequence it covers) and folds in only the check-ins
 * above it, a range query on the `ingestSeq` index, so a restart with a million check-ins does
 * not re-read them. The snapshot is rewritten every 15 s while something changed, and at
 * close.
 */
import type { RxCollection } from 'rxdb';
import { Subject, type Observable, type Subscription } from 'rxjs';
import { type CheckInDoc, type GateOpsDatabase, newestFirstPage, queryRaw } from '../db';
import {
  emptyActivity,
  foldCheckIn,
  type ActivityCheckIn,
  type ActivityState,
} from '../../shared/domain/activity-aggregator';
import {
  devicesPage,
  sessionsPage,
  type DevicesQuery,
  type SessionsQuery,
} from '../../shared/domain/activity-pages';
import { fromSnapshot, toSnapshot } from '../../shared/domain/activity-snapshot';
import { gateVms, overviewVm } from '../../shared/domain/activity-views';
import { venueZoneOf, type VenueZone } from '../../shared/domain/venue-zone';
import { DEFAULT_SETTINGS, type CapacitySettings, type Thresholds } from '../../shared/settings';
import type {
  DevicesPage,
  GateVm,
  GateWindow,
  Overview,
  SessionsPage,
} from '../../shared/api/channels/activity';

export const ACTIVITY_SNAPSHOT_ID = 'activity';
const CATCH_UP_PAGE = 5000;

export interface ActivityServiceOptions {
  readonly db: GateOpsDatabase;
  readonly now?: () => number;
  readonly thresholds?: () => Thresholds;
  /** Expected attendance (Settings), read on every overview. */
  readonly capacity?: () => CapacitySettings;
  /** How often a changed model is written back (ms); 0 disables the timer (tests). */
  readonly snapshotEveryMs?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SeqCollection = RxCollection<any>;

/** Quarantined messages or conflicts: how many are stored and the newest one. */
export interface SeqStats {
  count: number;
  lastSeq: number;
  lastReceivedAt: number | null;
}

export interface ActivityStartInfo {
  /** Whether a stored snapshot was used. */
  readonly fromSnapshot: boolean;
  /** Check-ins read from the store to catch up. */
  readonly foldedOnStart: number;
}

export class ActivityService {
  private state: ActivityState = emptyActivity();
  private readonly changed = new Subject<void>();
  private readonly subs: Subscription[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private savedSeq = -1;
  private closed = false;
  private buffer: ActivityCheckIn[] | null = [];
  readonly quarantine: SeqStats = { count: 0, lastSeq: 0, lastReceivedAt: null };
  readonly conflicts: SeqStats = { count: 0, lastSeq: 0, lastReceivedAt: null };
  readonly now: () => number;
  readonly thresholds: () => Thresholds;
  startInfo: ActivityStartInfo = { fromSnapshot: false, foldedOnStart: 0 };
  private venue: VenueZone | null = null;

  /** Fires after each committed batch that changed the model (not coalesced). */
  readonly changes$: Observable<void> = this.changed.asObservable();
  private readonly committedSubject = new Subject<ReadonlyArray<ActivityCheckIn>>();
  /** The check-ins of each committed batch once folded in (not those read at start). */
  readonly committed$: Observable<ReadonlyArray<ActivityCheckIn>> =
    this.committedSubject.asObservable();

  private constructor(private readonly options: ActivityServiceOptions) {
    this.now = options.now ?? Date.now;
    this.thresholds = options.thresholds ?? (() => DEFAULT_SETTINGS.thresholds);
  }

  static async start(options: ActivityServiceOptions): Promise<ActivityService> {
    const service = new ActivityService(options);
    await service.init();
    return service;
  }

  private async init(): Promise<void> {
    const { db } = this.options;
    // Listen first and buffer, so nothing committed during the catch-up read is missed; the
    // sequence mark makes the overlap harmless.
    this.subs.push(
      db.checkins.eventBulks$.subscribe((bulk) => {
        const docs: CheckInDoc[] = [];
        for (const e of bulk.events) {
          if (e.operation === 'INSERT') docs.push(e.documentData as unknown as CheckInDoc);
        }
        if (docs.length > 0) {
          this.learnVenueZone(docs[docs.length - 1]!.raw);
          this.ingest(docs);
        }
      }),
      this.followInserts(db.quarantine, this.quarantine),
      this.followInserts(db.conflicts, this.conflicts),
    );

    const stored = await db.state.findOne(ACTIVITY_SNAPSHOT_ID).exec();
    const restored = stored ? fromSnapshot(stored.toJSON().value) : null;
    if (restored) this.state = restored;
    this.savedSeq = restored ? restored.lastIngestSeq : -1;

    let folded = 0;
    for (;;) {
      const page = await queryRaw(db.checkins, {
        selector: { ingestSeq: { $gt: this.state.lastIngestSeq } },
        sort: [{ ingestSeq: 'asc' }],
        limit: CATCH_UP_PAGE,
      });
      for (const doc of page) if (foldCheckIn(this.state, doc)) folded += 1;
      if (page.length < CATCH_UP_PAGE) break;
    }
    this.startInfo = { fromSnapshot: restored !== null, foldedOnStart: folded };
    const { docs: newest } = await newestFirstPage(
      db.checkins,
      { selector: {}, sort: [{ ingestSeq: 'desc' }] },
      0,
      1,
      this.state.checkins,
    );
    if (newest[0]) this.learnVenueZone(newest[0].raw);

    await Promise.all([
      this.countStored(db.quarantine, this.quarantine),
      this.countStored(db.conflicts, this.conflicts),
    ]);

    const pending = this.buffer ?? [];
    this.buffer = null;
    this.ingest(pending);
    if (folded > 0 && !restored) await this.saveSnapshot();

    // Writing the model (hundreds of KB at a festival's size) costs the event loop a few ms; a
    // stale snapshot only costs reading what came after it at the next start.
    const every = this.options.snapshotEveryMs ?? 15_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.saveSnapshot().catch(() => undefined), every);
      this.timer.unref?.();
    }
  }

  /** Counts inserts of a sequence-numbered collection (quarantine, conflicts) as they commit. */
  private followInserts(collection: SeqCollection, stats: SeqStats): Subscription {
    return collection.eventBulks$.subscribe((bulk) => {
      let n = 0;
      for (const e of bulk.events) {
        if (e.operation !== 'INSERT') continue;
        const doc = e.documentData as { ingestSeq: number; receivedAt: number };
        if (doc.ingestSeq <= stats.lastSeq) continue;
        n += 1;
        stats.lastSeq = doc.ingestSeq;
        stats.lastReceivedAt = doc.receivedAt;
      }
      if (n > 0) {
        stats.count += n;
        this.changed.next();
      }
    });
  }

  private async countStored(collection: SeqCollection, stats: SeqStats): Promise<void> {
    const { total, docs } = await newestFirstPage(
      collection,
      { selector: {}, sort: [{ ingestSeq: 'desc' }] },
      0,
      1,
    );
    stats.count = total;
    stats.lastSeq = Math.max(stats.lastSeq, docs[0]?.ingestSeq ?? 0);
    stats.lastReceivedAt = docs[0]?.receivedAt ?? null;
  }

  /**
   * Folds committed check-ins in (ingest order). Called from the collection's change stream,
   * which the storage emits only after the transaction committed.
   */
  ingest(docs: ReadonlyArray<ActivityCheckIn>): void {
    if (this.buffer) {
      this.buffer.push(...docs);
      return;
    }
    const sorted = docs.length > 1 ? [...docs].sort((a, b) => a.ingestSeq - b.ingestSeq) : docs;
    const folded = sorted.filter((doc) => foldCheckIn(this.state, doc));
    if (folded.length > 0) {
      this.committedSubject.next(folded);
      this.changed.next();
    }
  }

  /** The raw model; read-only for callers (alerts). */
  get model(): Readonly<ActivityState> {
    return this.state;
  }

  overview(chartMinutes = 180, gateWindow: GateWindow = 5): Overview {
    const vm = overviewVm(
      this.state,
      this.now(),
      this.thresholds(),
      chartMinutes,
      gateWindow,
      this.options.capacity?.() ?? DEFAULT_SETTINGS.capacity,
    );
    vm.totals.quarantined = this.quarantine.count;
    vm.venueTimeZone = this.venue?.zone ?? null;
    return vm;
  }

  /** Reads the venue's zone from an event until one names it (an offset is only a guess). */
  private learnVenueZone(raw: unknown): void {
    if (this.venue?.from === 'name') return;
    const found = venueZoneOf(raw);
    if (found && (found.from === 'name' || !this.venue)) this.venue = found;
  }

  sessions(q: SessionsQuery): SessionsPage {
    return sessionsPage(this.state, this.now(), this.thresholds(), q);
  }

  devices(q: DevicesQuery): DevicesPage {
    return devicesPage(this.state, this.now(), this.thresholds(), q);
  }

  gates(): GateVm[] {
    return gateVms(this.state, this.now(), this.thresholds());
  }

  /** Writes the model back when it moved since the last write. */
  async saveSnapshot(): Promise<void> {
    if (this.state.lastIngestSeq === this.savedSeq) return;
    const seq = this.state.lastIngestSeq;
    const value = toSnapshot(this.state) as unknown as Record<string, unknown>;
    await this.options.db.state.upsert({ id: ACTIVITY_SNAPSHOT_ID, value, updatedAt: this.now() });
    this.savedSeq = seq;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subs) s.unsubscribe();
    if (!this.options.db.closed) await this.saveSnapshot();
    this.changed.complete();
    this.committedSubject.complete();
  }
}
