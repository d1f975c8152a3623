/**
 * The relay-down history: every period the link was down (from, to) and how many check-ins it
 * caught up afterwards (stored after it came back, scanned before), kept in one `state`
 * document so the Alerts view and the PDF report show it after a restart too. A link that
 * never went live at start counts from the start once it has been down past the relay-down
 * threshold; a stopped link (the app closing) is not an outage.
 */
import type { Outage } from '../../shared/api/channels/status';
import type { RelayStatus } from '../../shared/api/channels/relay';
import type { ActivityCheckIn } from '../../shared/domain/activity-aggregator';
import { readOutages, writeOutages, type GateOpsDatabase } from '../db';

const MAX_OUTAGES = 500;
/** Catch-up counts are written back at most this often (and at every transition and close). */
const SAVE_EVERY_MS = 10_000;

export class OutageRecorder {
  private outages: Outage[] = [];
  private dirtySince: number | null = null;
  private lastSaved = 0;
  private writing: Promise<void> = Promise.resolve();
  private wasLive = false;

  constructor(
    private readonly db: GateOpsDatabase,
    private readonly now: () => number,
    private readonly relayDownMs: () => number,
    /** A failed save of the outage list (the host feeds it to the store's health). */
    private readonly onError?: (error: unknown, what: string) => void,
  ) {}

  async load(): Promise<void> {
    this.outages = (await readOutages(this.db)).map((o) => ({ ...o }));
    // Down when the app last stopped: that period ended when the app stopped, not now.
    const open = this.outages[0];
    if (open && open.to === null) this.outages[0] = { ...open, to: open.from };
  }

  /** Newest first. */
  list(limit: number): { outages: Outage[]; total: number } {
    return { outages: this.outages.slice(0, limit), total: this.outages.length };
  }

  /** The newest outage, when it has ended (none is open). */
  latestEnded(): Outage | null {
    const o = this.outages[0];
    return o && o.to !== null ? o : null;
  }

  /** Follows the relay status; returns true when the history changed. */
  onRelay(s: RelayStatus): boolean {
    const open = this.outages[0]?.to === null ? this.outages[0] : undefined;
    if (s.state === 'live') {
      this.wasLive = true;
      if (!open) return false;
      this.outages[0] = { ...open, to: s.liveSince ?? this.now() };
      this.save(true);
      return true;
    }
    if (s.state === 'stopped' || s.offlineSince === undefined) return false;
    if (open) {
      if (s.lastError && s.lastError !== open.reason) {
        this.outages[0] = { ...open, reason: s.lastError };
        this.save(false);
      }
      return false;
    }
    // Never live since the start: only an outage once it lasts past the alert threshold.
    if (!this.wasLive && this.now() - s.offlineSince < this.relayDownMs()) return false;
    this.outages.unshift({
      from: s.offlineSince,
      to: null,
      caughtUp: 0,
      ...(s.lastError ? { reason: s.lastError } : {}),
    });
    if (this.outages.length > MAX_OUTAGES) this.outages.length = MAX_OUTAGES;
    this.save(true);
    return true;
  }

  /** Counts committed check-ins that fill the gap of the last outage. */
  onCommitted(docs: ReadonlyArray<ActivityCheckIn>): boolean {
    const last = this.outages[0];
    if (!last || last.to === null) return false;
    const back = last.to;
    let n = 0;
    for (const d of docs) if (d.receivedAt >= back && d.checkedInAt < back) n += 1;
    if (n === 0) return false;
    this.outages[0] = { ...last, caughtUp: last.caughtUp + n };
    this.save(false);
    return true;
  }

  private save(now: boolean): void {
    this.dirtySince ??= this.now();
    if (!now && this.now() - this.lastSaved < SAVE_EVERY_MS) return;
    void this.flush();
  }

  async flush(): Promise<void> {
    if (this.dirtySince === null || this.db.closed) return this.writing;
    this.dirtySince = null;
    this.lastSaved = this.now();
    const outages = [...this.outages];
    this.writing = this.writing
      .then(() => writeOutages(this.db, outages, this.now()))
      .catch((error: unknown) => this.onError?.(error, 'outage history'));
    return this.writing;
  }
}
