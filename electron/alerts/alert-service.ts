/**
 * Alerts in main: evaluates the rules (shared/domain/alert-rules) whenever the activity model or
 * the relay status changes and every few seconds (idleness is the passage of time). Open alerts
 * and the history of cleared ones are kept by AlertHistory; acknowledgements go through an
 * AlertAckStore (local by default; venue sync brings its own). Acknowledging quarantine or
 * conflict alerts also moves this laptop's mark, so the next message opens a new alert.
 */
import { Subject, type Observable } from 'rxjs';
import type {
  AlertHistory as AlertHistoryVm,
  AlertsList,
  AlertVm,
} from '../../shared/api/channels/alerts';
import { evaluateAlerts, type RuleAlert } from '../../shared/domain/alert-rules';
import type { ActivityService } from '../activity';
import type { GateOpsDatabase } from '../db';
import { LocalAlertAckStore, type AlertAck, type AlertAckStore } from './alert-ack-store';
import { AlertHistory, type OpenAlertVm } from './alert-history';
import type { RelayStatusSource } from './relay-status-source';
import { SeqBacklogs } from './seq-backlog';

export { ALERT_ACKS_ID } from './alert-ack-store';
/** Alerts listed at most (the rest are counted in `omitted`). */
const MAX_LISTED = 200;

export interface AlertServiceOptions {
  readonly db: GateOpsDatabase;
  readonly activity: ActivityService;
  readonly relay: RelayStatusSource;
  /** Where acknowledgements live; default: this laptop's database. */
  readonly acks?: AlertAckStore;
  /** More rules (store faults…): called on every evaluation. */
  readonly extraRules?: () => ReadonlyArray<RuleAlert>;
  /** Re-evaluation period for time-based conditions (ms); 0 disables the timer (tests). */
  readonly tickMs?: number;
  /**
   * A background read or write (not answering a caller) failed: the host feeds it to the store's
   * health, so damage met here stops writing and is shown like damage met anywhere else.
   */
  readonly onError?: (error: unknown, what: string) => void;
}

export class AlertService {
  private readonly ackStore: AlertAckStore;
  private readonly history: AlertHistory;
  private readonly backlogs: SeqBacklogs;
  private acks = new Map<string, number>();
  private current: OpenAlertVm[] = [];
  private backlogSeq = { quarantine: 0, conflict: 0 };
  private signature = '';
  private readonly changed = new Subject<void>();
  private readonly raisedSubject = new Subject<ReadonlyArray<AlertVm>>();
  private readonly cleanups: Array<() => void> = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private evaluating: Promise<void> = Promise.resolve();
  private queued = false;

  /** Fires when the set of alerts or their acknowledgements changed. */
  readonly changes$: Observable<void> = this.changed.asObservable();
  /** Alerts that just opened (not at start-up), unacknowledged: desktop notifications. */
  readonly raised$: Observable<ReadonlyArray<AlertVm>> = this.raisedSubject.asObservable();

  private constructor(private readonly options: AlertServiceOptions) {
    const now = () => options.activity.now();
    this.ackStore = options.acks ?? new LocalAlertAckStore(options.db, now);
    this.history = new AlertHistory(options.db, now);
    this.backlogs = new SeqBacklogs(options.db, now);
  }

  static async start(options: AlertServiceOptions): Promise<AlertService> {
    const service = new AlertService(options);
    await service.init();
    return service;
  }

  private async init(): Promise<void> {
    await Promise.all([this.history.load(), this.backlogs.load()]);
    this.mergeAcks(await this.ackStore.load());
    await this.evaluate(false);
    const sub = this.options.activity.changes$.subscribe(() => this.schedule());
    this.cleanups.push(() => sub.unsubscribe());
    this.cleanups.push(this.options.relay.subscribe(() => this.schedule()));
    const fromElsewhere = this.ackStore.subscribe?.((acks) => {
      if (this.mergeAcks(acks)) this.emitIfChanged();
    });
    if (fromElsewhere) this.cleanups.push(fromElsewhere);
    const tick = this.options.tickMs ?? 5000;
    if (tick > 0) {
      this.timer = setInterval(() => this.schedule(), tick);
      this.timer.unref?.();
    }
  }

  private mergeAcks(acks: ReadonlyArray<AlertAck>): boolean {
    let added = false;
    for (const a of acks) {
      const known = this.acks.get(a.alertId);
      // Two laptops acknowledged it: the first one counts.
      if (known === undefined || a.at < known) {
        this.acks.set(a.alertId, a.at);
        added = true;
      }
    }
    return added;
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
      .catch((error: unknown) => this.options.onError?.(error, 'alert evaluation'));
  }

  /** Re-evaluates now; resolves when done (tests await it instead of sleeping). */
  async evaluate(notify = true): Promise<void> {
    const { activity, relay } = this.options;
    const [quarantine, conflicts] = await Promise.all([
      this.backlogs.backlog('quarantine', activity.quarantine.lastSeq),
      this.backlogs.backlog('conflict', activity.conflicts.lastSeq),
    ]);
    this.backlogSeq = { quarantine: quarantine.lastSeq, conflict: conflicts.lastSeq };
    const rules = [
      ...evaluateAlerts({
        state: activity.model,
        relay: relay.current(),
        quarantine,
        conflicts,
        now: activity.now(),
        thresholds: activity.thresholds(),
      }),
      ...(this.options.extraRules?.() ?? []),
    ];
    const transition = this.history.apply(rules);
    this.current = [...transition.open];
    if (this.history.dirty) await this.history.persist();
    if (notify) {
      const raised = transition.raised
        .filter((a) => !this.acks.has(a.id))
        .map((a) => this.withAck(a));
      if (raised.length > 0) this.raisedSubject.next(raised);
    }
    this.emitIfChanged();
  }

  private withAck(a: OpenAlertVm): AlertVm {
    return { ...a, acknowledgedAt: this.acks.get(a.id) ?? null };
  }

  private emitIfChanged(): void {
    const sig =
      this.current
        .map((a) => `${a.id}|${this.acks.get(a.id) ?? ''}|${a.title}|${a.count ?? ''}`)
        .join('\n') + `#${this.history.history().length}`;
    if (sig !== this.signature) {
      this.signature = sig;
      this.changed.next();
    }
  }

  list(includeAcknowledged: boolean): AlertsList {
    const all = this.current.map((a) => this.withAck(a));
    const open = all.filter((a) => a.acknowledgedAt === null);
    const listed = includeAcknowledged
      ? [...open, ...all.filter((a) => a.acknowledgedAt !== null)]
      : open;
    return {
      alerts: listed.slice(0, MAX_LISTED),
      openCount: open.length,
      criticalCount: open.filter((a) => a.severity === 'critical').length,
      omitted: Math.max(0, listed.length - MAX_LISTED),
    };
  }

  /** Alerts whose cause cleared, newest first. */
  clearedHistory(offset: number, limit: number): AlertHistoryVm {
    const all = this.history.history();
    return {
      total: all.length,
      alerts: all.slice(offset, offset + limit).map((a) => this.withAck(a)),
    };
  }

  async acknowledge(ids: ReadonlyArray<string>): Promise<number> {
    const known = new Map(this.current.map((a) => [a.id, a]));
    const at = this.options.activity.now();
    const fresh: AlertAck[] = [];
    for (const id of ids) {
      const alert = known.get(id);
      if (!alert || this.acks.has(id)) continue;
      fresh.push({ alertId: id, at });
      if (alert.kind === 'quarantine' || alert.kind === 'conflict') {
        await this.backlogs.acknowledge(alert.kind, this.backlogSeq[alert.kind]);
      }
    }
    if (fresh.length === 0) return 0;
    await this.ackStore.append(fresh);
    this.mergeAcks(fresh);
    await this.evaluate();
    return fresh.length;
  }

  async acknowledgeAll(): Promise<number> {
    return this.acknowledge(this.current.filter((a) => !this.acks.has(a.id)).map((a) => a.id));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const c of this.cleanups) c();
    await this.evaluating;
    this.changed.complete();
    this.raisedSubject.complete();
  }
}
