/**
 * Whether the store can save, as the banner, the alerts and headless mode's log need it: follows
 * the ingest pipeline's faults and recoveries, counts the relay's sequence anomalies, and carries
 * what a start found (damaged files kept aside) and what a damage check finds while running.
 * Every change is pushed on `state$`; `log` gets one line per change of state, never one per
 * retry.
 */
import { BehaviorSubject } from 'rxjs';
import { STORE_OK, type StoreHealth } from '../../shared/api/channels/status';
import type { IngestPipeline, StoreFault } from './ingest-pipeline';
import type { StoreFaultInfo } from './store-fault';

export interface StoreHealthOptions {
  /** Damaged database files kept aside (found or made by this start), newest first. */
  readonly keptAside?: ReadonlyArray<string>;
  /** One line per change (headless mode's stderr). */
  readonly log?: (line: string) => void;
}

export class StoreHealthMonitor {
  readonly state$: BehaviorSubject<StoreHealth>;
  private readonly cleanups: Array<() => void> = [];
  private lastLogged = '';

  constructor(
    private readonly ingest: IngestPipeline,
    private readonly options: StoreHealthOptions = {},
  ) {
    this.state$ = new BehaviorSubject<StoreHealth>({
      ...STORE_OK,
      sequenceAnomalies: ingest.totals.sequenceAnomalies,
      keptAside: [...(options.keptAside ?? [])],
    });
    const onFault = (f: StoreFault): void => this.onFault(f);
    const onRecovered = (r: { since: number; at: number }): void => this.onRecovered(r);
    const onCommitted = (b: { totals: { sequenceAnomalies: number } }): void => {
      if (b.totals.sequenceAnomalies !== this.current.sequenceAnomalies) {
        this.update({ sequenceAnomalies: b.totals.sequenceAnomalies });
      }
    };
    ingest.on('store-fault', onFault);
    ingest.on('store-recovered', onRecovered);
    ingest.on('batch-committed', onCommitted);
    this.cleanups.push(
      () => ingest.off('store-fault', onFault),
      () => ingest.off('store-recovered', onRecovered),
      () => ingest.off('batch-committed', onCommitted),
    );
    if (ingest.fault) this.onFault(ingest.fault);
    const aside = this.current.keptAside;
    if (aside.length > 0) {
      this.say(
        `store: WARNING: a damaged database was kept aside as ${aside[0]} (never deleted); this ` +
          'store started without what it held. The relay sends its history again; keep the file ' +
          'for recovery.',
      );
    }
  }

  get current(): StoreHealth {
    return this.state$.value;
  }

  /** A damage check found the file damaged while running: stop writing and say so. */
  reportDamage(info: StoreFaultInfo): void {
    this.ingest.stopWriting(info);
  }

  /** The background check of the file: running, or its verdict. */
  setCheck(check: NonNullable<StoreHealth['check']>): void {
    this.update({ check });
  }

  close(): void {
    for (const c of this.cleanups.splice(0)) c();
  }

  private onFault(f: StoreFault): void {
    const damaged = f.cause === 'damaged';
    const waiting = f.waiting.toLocaleString('en-US');
    const title = damaged
      ? `Saving stopped — ${f.what} (${waiting} check-ins waiting)`
      : `Cannot save — ${f.what} (${waiting} check-ins waiting)`;
    this.update({
      state: damaged ? 'damaged' : 'cannot-save',
      cause: f.cause,
      title,
      action: f.action,
      detail: f.detail,
      since: f.since,
      waiting: f.waiting,
      nextRetryAt: f.nextRetryAt,
    });
    // Once per kind of fault, not once per retry.
    this.say(
      `store: ${damaged ? 'SAVING STOPPED' : 'CANNOT SAVE'} — ${f.what} (${waiting} check-ins waiting; ${f.detail}). ${f.action}`,
      `fault:${f.cause}`,
    );
  }

  private onRecovered(r: { since: number; at: number }): void {
    const waited = Math.max(1, Math.round((r.at - r.since) / 1000));
    this.update({
      state: 'ok',
      cause: null,
      title: null,
      action: null,
      detail: null,
      since: null,
      waiting: 0,
      nextRetryAt: null,
    });
    this.say(`store: saving again after ${waited} s; nothing was lost`, 'ok');
  }

  private update(patch: Partial<StoreHealth>): void {
    this.state$.next({ ...this.current, ...patch });
  }

  private say(line: string, key = line): void {
    if (key === this.lastLogged) return;
    this.lastLogged = key;
    this.options.log?.(line);
  }
}
