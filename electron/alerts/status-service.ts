/**
 * The banner's status beyond the link itself: outages (OutageRecorder), what a reconnect caught
 * up, and whether the picture may be incomplete while "live" (shared/domain/link-health). It
 * follows the relay status, committed check-ins and the ingest counters (the `ingest` state
 * document, written with every batch), and samples the conflict and quarantine totals once a
 * minute to see them jump.
 */
import { Subject, type Observable } from 'rxjs';
import type {
  Health,
  HealthReasonCode,
  Outages,
  StoreHealth,
} from '../../shared/api/channels/status';
import { storeReasons } from '../../shared/domain/store-status';
import { JUMP_WINDOW_MIN, linkHealth } from '../../shared/domain/link-health';
import type { ActivityService } from '../activity';
import { type GateOpsDatabase, INGEST_STATE_ID, parseTotals, readIngestTotals } from '../db';
import { OutageRecorder } from './outage-recorder';
import type { RelayStatusSource } from './relay-status-source';

/** "Caught up N check-ins" shows this long after the last one it counted (and after reconnect). */
export const CATCH_UP_SHOWN_MS = 2 * 60_000;
/** How often the conflict and quarantine totals are sampled (to see them jump). */
const SAMPLE_MS = 10_000;

export interface StatusServiceOptions {
  readonly db: GateOpsDatabase;
  readonly activity: ActivityService;
  readonly relay: RelayStatusSource;
  /** Store faults and the like, found by others: shown first in the banner. */
  readonly extraReasons?: () => ReadonlyArray<{
    code: HealthReasonCode;
    text: string;
    bad?: boolean;
  }>;
  /** Whether the store can save (electron/ingest/store-health.ts): in the health and its reasons. */
  readonly store?: () => StoreHealth;
  readonly tickMs?: number;
  /**
   * A background read or write (not answering a caller) failed: the host feeds it to the store's
   * health, so damage met here stops writing and is shown like damage met anywhere else.
   */
  readonly onError?: (error: unknown, what: string) => void;
}

interface Sample {
  readonly at: number;
  readonly conflicts: number;
  readonly quarantined: number;
  readonly messages: number;
}

export class StatusService {
  readonly outages: OutageRecorder;
  private totals = {
    redelivered: 0,
    conflicts: 0,
    quarantined: 0,
    messages: 0,
    lastMessageAt: null as number | null,
  };
  private samples: Sample[] = [];
  private lastCaughtAt = 0;
  private readonly changed = new Subject<void>();
  private readonly cleanups: Array<() => void> = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Fires when the health or the outage list may have changed. */
  readonly changes$: Observable<void> = this.changed.asObservable();

  private constructor(private readonly options: StatusServiceOptions) {
    const { activity } = options;
    this.outages = new OutageRecorder(
      options.db,
      () => activity.now(),
      () => activity.thresholds().relayDownSeconds * 1000,
      options.onError,
    );
  }

  static async start(options: StatusServiceOptions): Promise<StatusService> {
    const s = new StatusService(options);
    await s.init();
    return s;
  }

  private async init(): Promise<void> {
    const { db, activity, relay } = this.options;
    await this.outages.load();
    this.readTotals(await readIngestTotals(db));
    this.outages.onRelay(relay.current());
    this.cleanups.push(
      relay.subscribe((s) => {
        this.outages.onRelay(s);
        this.changed.next();
      }),
    );
    const committed = activity.committed$.subscribe((docs) => {
      if (this.outages.onCommitted(docs)) this.lastCaughtAt = activity.now();
      this.changed.next();
    });
    const ingest = db.state.eventBulks$.subscribe((bulk) => {
      for (const e of bulk.events) {
        if (e.documentId !== INGEST_STATE_ID) continue;
        this.readTotals(parseTotals((e.documentData as { value: Record<string, unknown> }).value));
      }
    });
    this.cleanups.push(
      () => committed.unsubscribe(),
      () => ingest.unsubscribe(),
    );
    this.sample();
    const tick = this.options.tickMs ?? 5000;
    if (tick > 0) {
      this.timer = setInterval(() => {
        this.sample();
        // The relay-down threshold for a link never live is the passage of time.
        this.outages.onRelay(relay.current());
        void this.outages.flush();
        this.changed.next();
      }, tick);
      this.timer.unref?.();
    }
  }

  private readTotals(t: ReturnType<typeof parseTotals>): void {
    this.totals = {
      redelivered: t.redelivered,
      conflicts: t.conflicts,
      quarantined: t.quarantined,
      messages: t.ingestSeq,
      lastMessageAt: t.lastReceivedAt,
    };
  }

  /** A sample of the totals every SAMPLE_MS, the last JUMP_WINDOW_MIN minutes of them. */
  private sample(): void {
    const now = this.options.activity.now();
    const last = this.samples[this.samples.length - 1];
    if (last && now - last.at < SAMPLE_MS) return;
    this.samples.push({
      at: now,
      conflicts: this.totals.conflicts,
      quarantined: this.totals.quarantined,
      messages: this.totals.messages,
    });
    const floor = now - JUMP_WINDOW_MIN * 60_000;
    while (this.samples.length > 1 && this.samples[0]!.at < floor) this.samples.shift();
  }

  health(): Health {
    const { activity, relay } = this.options;
    const now = activity.now();
    const floor = now - JUMP_WINDOW_MIN * 60_000;
    const samples = this.samples.filter((s) => s.at >= floor);
    const ended = this.outages.latestEnded();
    const catchUp =
      ended?.to != null &&
      (now - ended.to < CATCH_UP_SHOWN_MS || now - this.lastCaughtAt < CATCH_UP_SHOWN_MS)
        ? { since: ended.to, count: ended.caughtUp }
        : null;
    const store = this.options.store?.();
    const health = linkHealth({
      relay: relay.current(),
      lastStoredAt: activity.model.lastReceivedAt,
      lastMessageAt: this.totals.lastMessageAt,
      messages: this.totals.messages,
      totals: {
        redelivered: this.totals.redelivered,
        conflicts: Math.max(this.totals.conflicts, activity.conflicts.count),
        quarantined: Math.max(this.totals.quarantined, activity.quarantine.count),
      },
      samples,
      catchUp,
      now,
      thresholds: activity.thresholds(),
      ...(this.options.extraReasons || store
        ? {
            extra: [
              ...(store ? storeReasons(store) : []),
              ...(this.options.extraReasons?.() ?? []),
            ],
          }
        : {}),
    });
    return store ? { ...health, store } : health;
  }

  outageList(limit: number): Outages {
    return this.outages.list(limit);
  }

  /** Asks the relay link to try now; false when this host has no link to retry. */
  retryRelay(): boolean {
    const retry = this.options.relay.retryNow;
    if (!retry) return false;
    retry();
    return true;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const c of this.cleanups) c();
    await this.outages.flush();
    this.changed.complete();
  }
}
