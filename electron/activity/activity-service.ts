/**
 * The activity model in main: the pure aggregator (shared/domain) kept up to date as check-ins
 * are committed, and stored with the data. On start it loads the snapshot from the `state`
 * collection (tagged with the last ingest sequence it covers) and folds in only the check-ins
 * above it, a range query on the `ingestSeq` index, so a restart with a million check-ins does
 * not re-read them. The snapshot is rewritten every 15 s while something changed, and at
 * close.
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { CheckInDoc, GateOpsDatabase, QuarantineDoc } from '../db';
import {
  emptyActivity,
  foldCheckIn,
  fromSnapshot,
  toSnapshot,
  type ActivityCheckIn,
  type ActivityState,
} from '../../shared/domain/activity-aggregator';
import {
  devicesPage,
  gateVms,
  overviewVm,
  sessionsPage,
  type DevicesQuery,
  type SessionsQuery,
} from '../../shared/domain/activity-views';
import { DEFAULT_SETTINGS, type Thresholds } from '../../shared/settings';
import type {
  DevicesPage,
  GateVm,
  Overview,
  SessionsPage,
} from '../../shared/api/channels/activity';
import { newestFirstPage, queryRaw } from '../db/raw-query';

export const ACTIVITY_SNAPSHOT_ID = 'activity';
const CATCH_UP_PAGE = 5000;

export interface ActivityServiceOptions {
  readonly db: GateOpsDatabase;
  readonly now?: () => number;
  readonly thresholds?: () => Thresholds;
  /** How often a changed model is written back (ms); 0 disables the timer (tests). */
  readonly snapshotEveryMs?: number;
}

export interface QuarantineStats {
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
  readonly quarantine: QuarantineStats = { count: 0, lastSeq: 0, lastReceivedAt: null };
  readonly now: () => number;
  readonly thresholds: () => Thresholds;
  startInfo: ActivityStartInfo = { fromSnapshot: false, foldedOnStart: 0 };

  /** Fires after each committed batch that changed the model (not coalesced). */
  readonly changes$: Observable<void> = this.changed.asObservable();

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
        const docs: ActivityCheckIn[] = [];
        for (const e of bulk.events) {
          if (e.operation === 'INSERT') docs.push(e.documentData as unknown as CheckInDoc);
        }
        if (docs.length > 0) this.ingest(docs);
      }),
      db.quarantine.eventBulks$.subscribe((bulk) => {
        let n = 0;
        for (const e of bulk.events) {
          if (e.operation !== 'INSERT') continue;
          const q = e.documentData as unknown as QuarantineDoc;
          if (q.ingestSeq <= this.quarantine.lastSeq) continue;
          n += 1;
          this.quarantine.lastSeq = q.ingestSeq;
          this.quarantine.lastReceivedAt = q.receivedAt;
        }
        if (n > 0) {
          this.quarantine.count += n;
          this.changed.next();
        }
      }),
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

    const { total: qCount, docs: qLast } = await newestFirstPage(
      db.quarantine,
      { selector: {}, sort: [{ ingestSeq: 'desc' }] },
      0,
      1,
    );
    this.quarantine.count = qCount;
    this.quarantine.lastSeq = Math.max(this.quarantine.lastSeq, qLast[0]?.ingestSeq ?? 0);
    this.quarantine.lastReceivedAt = qLast[0]?.receivedAt ?? null;

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
    let changed = false;
    for (const doc of sorted) changed = foldCheckIn(this.state, doc) || changed;
    if (changed) this.changed.next();
  }

  /** The raw model; read-only for callers (alerts). */
  get model(): Readonly<ActivityState> {
    return this.state;
  }

  overview(chartMinutes = 180): Overview {
    const vm = overviewVm(this.state, this.now(), this.thresholds(), chartMinutes);
    vm.totals.quarantined = this.quarantine.count;
    return vm;
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
  }
}
