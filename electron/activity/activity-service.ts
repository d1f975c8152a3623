/**
 * The activity model in main: the pure aggregator (shared/domain) kept up to date as check-ins
 * are committed, and stored with the data. On start it loads the snapshot from the `state`
 * collection (tagged with the last arrival number and flip it covers) and folds in only the
 * check-ins above it, in arrival order, plus the re-entry flips since, so a restart with a
 * million check-ins does not re-read them. The snapshot is rewritten every 15 s while something
 * changed, and at close.
 */
import type { RxCollection } from 'rxdb';
import { Subject, type Observable, type Subscription } from 'rxjs';
import {
  ACTIVITY_SNAPSHOT_ID,
  localCheckIns,
  localConflicts,
  type LocalConflicts,
  newestFirstPage,
  rowsAfterSeq,
  rowsByIds,
  withStoreLock,
  type GateOpsDatabase,
  type LocalChange,
} from '../db';
import {
  applyFlip,
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

export { ACTIVITY_SNAPSHOT_ID };
const CATCH_UP_PAGE = 5000;

export interface ActivityServiceOptions {
  readonly db: GateOpsDatabase;
  readonly now?: () => number;
  readonly thresholds?: () => Thresholds;
  /** Expected attendance (Settings), read on every overview. */
  readonly capacity?: () => CapacitySettings;
  /** How often a changed model is written back (ms); 0 disables the timer (tests). */
  readonly snapshotEveryMs?: number;
  /**
   * A background read or write (not answering a caller) failed: the host feeds it to the store's
   * health, so damage met here stops writing and is shown like damage met anywhere else.
   */
  readonly onError?: (error: unknown, what: string) => void;
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
  private buffer: LocalChange[] | null = [];
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
    const local = localCheckIns(db);
    this.subs.push(
      local.changes$.subscribe((change) => this.apply(change)),
      this.followInserts(db.quarantine, this.quarantine),
      this.followConflicts(localConflicts(db)),
    );

    const stored = await db.state.findOne(ACTIVITY_SNAPSHOT_ID).exec();
    const restored = stored ? fromSnapshot(stored.toJSON().value) : null;
    if (restored) this.state = restored;
    this.savedSeq = restored ? savedMark(restored) : -1;

    // One consistent read, under the store's write lock (never between a batch's writes and its
    // commit): the check-ins above the mark with their flags as stored now, and the flips since
    // the snapshot of check-ins it had folded as first scans.
    const mark = this.state.lastIngestSeq;
    const folded = await withStoreLock(db, async () => {
      let n = 0;
      for (;;) {
        const page = await rowsAfterSeq(
          db.checkins,
          local,
          this.state.lastIngestSeq,
          CATCH_UP_PAGE,
        );
        for (const row of page) if (foldCheckIn(this.state, row)) n += 1;
        if (page.length < CATCH_UP_PAGE) break;
      }
      const flips = local.flipsAfter(this.state.lastFlip).filter((f) => f.seq <= mark);
      const rows = await rowsByIds(
        db.checkins,
        local,
        flips.map((f) => f.id),
      );
      for (const f of flips) {
        const row = rows.get(f.id);
        if (row) applyFlip(this.state, { ...row, flip: f.flip });
      }
      this.state.lastFlip = Math.max(this.state.lastFlip, local.lastFlip());
      return n;
    });
    this.startInfo = { fromSnapshot: restored !== null, foldedOnStart: folded };
    const [newest] = local.rowsAfter(Math.max(0, local.lastSeq() - 1), 1);
    if (newest) {
      const [doc] = await db.checkins.storageInstance.findDocumentsById([newest.id], false);
      if (doc) this.learnVenueZone(doc.event);
    }

    await Promise.all([
      this.countStored(db.quarantine, this.quarantine),
      this.countConflicts(localConflicts(db)),
    ]);

    const pending = this.buffer ?? [];
    this.buffer = null;
    for (const change of pending) this.apply(change);
    if (folded > 0 && !restored) await this.saveSnapshot();

    // Writing the model (hundreds of KB at a festival's size) costs the event loop a few ms; a
    // stale snapshot only costs reading what came after it at the next start.
    const every = this.options.snapshotEveryMs ?? 15_000;
    if (every > 0) {
      this.timer = setInterval(
        () =>
          void this.saveSnapshot().catch((error: unknown) =>
            this.options.onError?.(error, 'activity snapshot'),
          ),
        every,
      );
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

  /** Counts conflicts as their facts commit (from the relay, a peer, or lost to the hub). */
  private followConflicts(local: LocalConflicts): Subscription {
    return local.changes$.subscribe((rows) => {
      let n = 0;
      for (const r of rows) {
        if (r.seq <= this.conflicts.lastSeq) continue;
        n += 1;
        this.conflicts.lastSeq = r.seq;
        this.conflicts.lastReceivedAt = r.receivedAt;
      }
      if (n > 0) {
        this.conflicts.count += n;
        this.changed.next();
      }
    });
  }

  private async countConflicts(local: LocalConflicts): Promise<void> {
    const { count, newest } = await withStoreLock(this.options.db, () =>
      Promise.resolve({ count: local.count(), newest: local.newest() }),
    );
    this.conflicts.count = count;
    this.conflicts.lastSeq = Math.max(this.conflicts.lastSeq, newest?.seq ?? 0);
    this.conflicts.lastReceivedAt = newest?.receivedAt ?? null;
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
   * Folds a committed change in: its new check-ins in arrival order, then its flips. The local
   * facts publish a change only after its transaction committed.
   */
  apply(change: LocalChange): void {
    if (this.buffer) {
      this.buffer.push(change);
      return;
    }
    const last = change.docs[change.docs.length - 1];
    if (last) this.learnVenueZone(last.event);
    const rows =
      change.rows.length > 1
        ? [...change.rows].sort((a, b) => a.ingestSeq - b.ingestSeq)
        : change.rows;
    const folded: ActivityCheckIn[] = rows.filter((row) => foldCheckIn(this.state, row));
    let flipped = false;
    for (const flip of change.flips) flipped = applyFlip(this.state, flip) || flipped;
    if (folded.length > 0) this.committedSubject.next(folded);
    if (folded.length > 0 || flipped) this.changed.next();
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
    const seq = savedMark(this.state);
    if (seq === this.savedSeq) return;
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

/** What a snapshot covers, as one number that grows with every fold and flip. */
function savedMark(state: Readonly<ActivityState>): number {
  return state.lastIngestSeq + state.lastFlip;
}
