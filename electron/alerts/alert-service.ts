/**
 * Alerts in main: evaluates the rules (shared/domain/alert-rules) whenever the activity model or
 * the relay status changes and every few seconds (idleness is the passage of time), and keeps the
 * acknowledgements in the `state` collection so they survive a restart. Acknowledgements of
 * conditions that have cleared are dropped, so the next episode alerts again.
 */
import { Subject, type Observable } from 'rxjs';
import type { AlertsList, AlertVm } from '../../shared/api/channels/alerts';
import { evaluateAlerts, type OpenAlert } from '../../shared/domain/alert-rules';
import type { ActivityService } from '../activity/activity-service';
import { countRaw, queryRaw } from '../db/raw-query';
import type { GateOpsDatabase } from '../db';
import type { RelayStatusSource } from './relay-status-source';

export const ALERT_ACKS_ID = 'alert-acks';
/** Acknowledgements kept (oldest dropped first). */
const MAX_ACKS = 5000;
/** Alerts listed at most (the rest are counted in `omitted`). */
const MAX_LISTED = 200;

interface StoredAcks {
  acks: Record<string, number>;
  /** Quarantined messages up to this ingest sequence are acknowledged. */
  quarantineSeq: number;
}

export interface AlertServiceOptions {
  readonly db: GateOpsDatabase;
  readonly activity: ActivityService;
  readonly relay: RelayStatusSource;
  /** Re-evaluation period for time-based conditions (ms); 0 disables the timer (tests). */
  readonly tickMs?: number;
}

export class AlertService {
  private acks = new Map<string, number>();
  private quarantineAckSeq = 0;
  private unackedQuarantine = { count: 0, firstAt: null as number | null, forSeq: -1 };
  private current: OpenAlert[] = [];
  private signature = '';
  private readonly changed = new Subject<void>();
  private readonly cleanups: Array<() => void> = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private evaluating: Promise<void> = Promise.resolve();
  private queued = false;

  /** Fires when the set of alerts or their acknowledgements changed. */
  readonly changes$: Observable<void> = this.changed.asObservable();

  private constructor(private readonly options: AlertServiceOptions) {}

  static async start(options: AlertServiceOptions): Promise<AlertService> {
    const service = new AlertService(options);
    await service.init();
    return service;
  }

  private async init(): Promise<void> {
    const stored = await this.options.db.state.findOne(ALERT_ACKS_ID).exec();
    const value = stored?.toJSON().value as Partial<StoredAcks> | undefined;
    if (value?.acks && typeof value.acks === 'object') {
      this.acks = new Map(Object.entries(value.acks).filter(([, v]) => typeof v === 'number'));
    }
    this.quarantineAckSeq = typeof value?.quarantineSeq === 'number' ? value.quarantineSeq : 0;
    await this.evaluate();
    const sub = this.options.activity.changes$.subscribe(() => this.schedule());
    this.cleanups.push(() => sub.unsubscribe());
    this.cleanups.push(this.options.relay.subscribe(() => this.schedule()));
    const tick = this.options.tickMs ?? 5000;
    if (tick > 0) {
      this.timer = setInterval(() => this.schedule(), tick);
      this.timer.unref?.();
    }
  }

  /** Coalesces: while one evaluation is queued, more changes ride along with it. */
  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    this.evaluating = this.evaluating
      .then(() => {
        this.queued = false;
        return this.evaluate();
      })
      .catch(() => undefined);
  }

  /** Re-evaluates now; resolves when done (tests await it instead of sleeping). */
  async evaluate(): Promise<void> {
    const { activity, relay, db } = this.options;
    const q = activity.quarantine;
    if (q.lastSeq > this.quarantineAckSeq && this.unackedQuarantine.forSeq !== q.lastSeq) {
      const selector = { ingestSeq: { $gt: this.quarantineAckSeq } };
      const [count, first] = await Promise.all([
        countRaw(db.quarantine, { selector }),
        queryRaw(db.quarantine, { selector, sort: [{ ingestSeq: 'asc' }], limit: 1 }),
      ]);
      this.unackedQuarantine = { count, firstAt: first[0]?.receivedAt ?? null, forSeq: q.lastSeq };
    } else if (q.lastSeq <= this.quarantineAckSeq) {
      this.unackedQuarantine = { count: 0, firstAt: null, forSeq: q.lastSeq };
    }
    this.current = evaluateAlerts({
      state: activity.model,
      relay: relay.current(),
      quarantine: {
        lastSeq: q.lastSeq,
        unacknowledged: this.unackedQuarantine.count,
        firstUnacknowledgedAt: this.unackedQuarantine.firstAt,
      },
      now: activity.now(),
      thresholds: activity.thresholds(),
    });
    // Conditions that cleared forget their acknowledgement (re-entries are history: they stay).
    const open = new Set(this.current.map((a) => a.id));
    let pruned = false;
    for (const id of this.acks.keys()) {
      if (!id.startsWith('reentry:') && !open.has(id)) {
        this.acks.delete(id);
        pruned = true;
      }
    }
    if (pruned) await this.persist();
    this.emitIfChanged();
  }

  private emitIfChanged(): void {
    const sig = this.current
      .map((a) => `${a.id}|${this.acks.get(a.id) ?? ''}|${a.title}`)
      .join('\n');
    if (sig !== this.signature) {
      this.signature = sig;
      this.changed.next();
    }
  }

  list(includeAcknowledged: boolean): AlertsList {
    const all: AlertVm[] = this.current.map((a) => ({
      ...a,
      acknowledgedAt: this.acks.get(a.id) ?? null,
    }));
    const open = all.filter((a) => a.acknowledgedAt === null);
    const listed = includeAcknowledged
      ? [...open, ...all.filter((a) => a.acknowledgedAt !== null)]
      : open;
    return {
      alerts: listed.slice(0, MAX_LISTED),
      openCount: open.length,
      omitted: Math.max(0, listed.length - MAX_LISTED),
    };
  }

  async acknowledge(ids: ReadonlyArray<string>): Promise<number> {
    const known = new Map(this.current.map((a) => [a.id, a]));
    const at = this.options.activity.now();
    let n = 0;
    for (const id of ids) {
      const alert = known.get(id);
      if (!alert || this.acks.has(id)) continue;
      n += 1;
      if (alert.kind === 'quarantine') {
        this.quarantineAckSeq = Math.max(
          this.quarantineAckSeq,
          Number(id.slice('quarantine:'.length)) || 0,
        );
      } else {
        this.acks.set(id, at);
      }
    }
    if (n > 0) {
      await this.persist();
      await this.evaluate();
    }
    return n;
  }

  async acknowledgeAll(): Promise<number> {
    return this.acknowledge(this.current.filter((a) => !this.acks.has(a.id)).map((a) => a.id));
  }

  private async persist(): Promise<void> {
    while (this.acks.size > MAX_ACKS) {
      const oldest = this.acks.keys().next().value;
      if (oldest === undefined) break;
      this.acks.delete(oldest);
    }
    const value: StoredAcks = {
      acks: Object.fromEntries(this.acks),
      quarantineSeq: this.quarantineAckSeq,
    };
    await this.options.db.state.upsert({
      id: ALERT_ACKS_ID,
      value: value as unknown as Record<string, unknown>,
      updatedAt: this.options.activity.now(),
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const c of this.cleanups) c();
    await this.evaluating;
    this.changed.complete();
  }
}
