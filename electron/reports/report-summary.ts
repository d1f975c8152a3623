/**
 * Summaries of a report (by gate, scanner session, device and hour), accumulated while the rows
 * stream past. Memory grows with the number of gates, sessions, devices and hours, never with
 * the number of check-ins: a festival has thousands of sessions at most.
 */
import { R, type ReportRecord } from '../db';
import type { ReportClock } from './time-zone';

export interface GroupStats {
  checkIns: number;
  reentries: number;
  first: number;
  last: number;
}

export interface GateSummary extends GroupStats {
  readonly gate: string;
  readonly devices: number;
  readonly sessions: number;
}

export interface SessionSummary extends GroupStats {
  readonly sessionId: string;
  /** Comma-separated when a session moved (rare but possible with a shared device). */
  readonly devices: string;
  readonly gates: string;
}

export interface DeviceSummary extends GroupStats {
  readonly deviceId: string;
  readonly gates: string;
  readonly sessions: number;
  /** Upload lag = received minus checked-in: high means the device scanned offline. */
  readonly avgLagMs: number;
  readonly maxLagMs: number;
}

export interface HourSummary {
  readonly hourStart: number;
  readonly label: string;
  readonly checkIns: number;
  readonly reentries: number;
}

export interface ProductSummary {
  readonly productId: string;
  readonly checkIns: number;
  readonly reentries: number;
}

/** Check-ins in one quarter-hour (by check-in time; every zone's offset is whole quarters). */
export interface QuarterSummary {
  readonly start: number;
  readonly checkIns: number;
  readonly reentries: number;
  /** Re-entries per gate in this quarter-hour. */
  readonly reentryGates: ReadonlyArray<{ readonly gate: string; readonly count: number }>;
}

export interface ReportSummary {
  readonly checkIns: number;
  readonly reentries: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly gates: ReadonlyArray<GateSummary>;
  readonly sessions: ReadonlyArray<SessionSummary>;
  readonly devices: ReadonlyArray<DeviceSummary>;
  /** Every hour from the first to the last check-in, empty hours included (a chart needs them). */
  readonly hours: ReadonlyArray<HourSummary>;
  readonly products: ReadonlyArray<ProductSummary>;
  /** Every quarter-hour with check-ins, oldest first (short reports chart these). */
  readonly quarters: ReadonlyArray<QuarterSummary>;
}

interface Group extends GroupStats {
  readonly a: Set<string>;
  readonly b: Set<string>;
  lagSum: number;
  lagMax: number;
}

const newGroup = (t: number): Group => ({
  checkIns: 0,
  reentries: 0,
  first: t,
  last: t,
  a: new Set(),
  b: new Set(),
  lagSum: 0,
  lagMax: 0,
});

function bump(map: Map<string, Group>, key: string, t: number, reentry: boolean): Group {
  let g = map.get(key);
  if (!g) map.set(key, (g = newGroup(t)));
  g.checkIns++;
  if (reentry) g.reentries++;
  if (t < g.first) g.first = t;
  if (t > g.last) g.last = t;
  return g;
}

const stats = (g: Group): GroupStats => ({
  checkIns: g.checkIns,
  reentries: g.reentries,
  first: g.first,
  last: g.last,
});
/** Natural order, so `sess-2` comes before `sess-10`. */
const collator = new Intl.Collator('en', { numeric: true });
const byName =
  <T>(key: (x: T) => string) =>
  (x: T, y: T) =>
    collator.compare(key(x), key(y));
const QUARTER = 15 * 60_000;
/** Beyond this span (about 14 months) empty hours are left out. */
const MAX_FILLED_SPAN = 10_000 * 3_600_000;
const joined = (set: ReadonlySet<string>): string => [...set].sort().join(', ');

export class SummaryAccumulator {
  private checkIns = 0;
  private reentries = 0;
  private first: number | null = null;
  private last: number | null = null;
  private readonly gates = new Map<string, Group>();
  private readonly sessions = new Map<string, Group>();
  private readonly devices = new Map<string, Group>();
  private readonly hours = new Map<number, { checkIns: number; reentries: number }>();
  private readonly products = new Map<string, { checkIns: number; reentries: number }>();
  private readonly quarters = new Map<
    number,
    { checkIns: number; reentries: number; gates: Map<string, number> }
  >();

  constructor(private readonly clock: ReportClock) {}

  add(records: ReadonlyArray<ReportRecord>): void {
    for (const r of records) {
      const t = r[R.checkedInAt];
      const reentry = r[R.reentry] === true || r[R.reentry] === 1;
      const gateId = String(r[R.gate]);
      const deviceId = String(r[R.deviceId]);
      const sessionId = String(r[R.sessionId]);
      const productId = String(r[R.productId]);
      this.checkIns++;
      if (reentry) this.reentries++;
      if (this.first === null || t < this.first) this.first = t;
      if (this.last === null || t > this.last) this.last = t;
      const gate = bump(this.gates, gateId, t, reentry);
      gate.a.add(deviceId);
      gate.b.add(sessionId);
      const session = bump(this.sessions, sessionId, t, reentry);
      session.a.add(deviceId);
      session.b.add(gateId);
      const device = bump(this.devices, deviceId, t, reentry);
      device.a.add(gateId);
      device.b.add(sessionId);
      const lag = Math.max(0, r[R.receivedAt] - t);
      device.lagSum += lag;
      if (lag > device.lagMax) device.lagMax = lag;
      const product = this.products.get(productId) ?? { checkIns: 0, reentries: 0 };
      product.checkIns++;
      if (reentry) product.reentries++;
      this.products.set(productId, product);
      const quarterStart = Math.floor(t / QUARTER) * QUARTER;
      let quarter = this.quarters.get(quarterStart);
      if (!quarter)
        this.quarters.set(
          quarterStart,
          (quarter = { checkIns: 0, reentries: 0, gates: new Map() }),
        );
      quarter.checkIns++;
      if (reentry) {
        quarter.reentries++;
        quarter.gates.set(gateId, (quarter.gates.get(gateId) ?? 0) + 1);
      }
      const hour = this.clock.hourStart(t);
      const h = this.hours.get(hour);
      if (h) {
        h.checkIns++;
        if (reentry) h.reentries++;
      } else this.hours.set(hour, { checkIns: 1, reentries: reentry ? 1 : 0 });
    }
  }

  result(): ReportSummary {
    const gates = [...this.gates].map(([gate, g]): GateSummary => ({
      gate,
      ...stats(g),
      devices: g.a.size,
      sessions: g.b.size,
    }));
    const sessions = [...this.sessions].map(([sessionId, g]): SessionSummary => ({
      sessionId,
      ...stats(g),
      devices: joined(g.a),
      gates: joined(g.b),
    }));
    const devices = [...this.devices].map(([deviceId, g]): DeviceSummary => ({
      deviceId,
      ...stats(g),
      gates: joined(g.a),
      sessions: g.b.size,
      avgLagMs: g.checkIns > 0 ? Math.round(g.lagSum / g.checkIns) : 0,
      maxLagMs: g.lagMax,
    }));
    const hours: HourSummary[] = [];
    if (this.first !== null && this.last !== null && this.last - this.first > MAX_FILLED_SPAN) {
      // A scanner with a wrong clock can put one row years away: list only the hours with rows.
      for (const [h, counts] of [...this.hours].sort((x, y) => x[0] - y[0])) {
        hours.push({ hourStart: h, label: this.clock.hourLabel(h), ...counts });
      }
    } else if (this.first !== null && this.last !== null) {
      const end = this.clock.hourStart(this.last);
      // Step by wall-clock hours: across a DST change an hour bucket is not 3,600,000 ms apart.
      for (let h = this.clock.hourStart(this.first); h <= end;) {
        const counts = this.hours.get(h) ?? { checkIns: 0, reentries: 0 };
        hours.push({ hourStart: h, label: this.clock.hourLabel(h), ...counts });
        const next = this.clock.hourStart(h + 3_600_000);
        h = next > h ? next : this.clock.hourStart(h + 2 * 3_600_000);
      }
    }
    return {
      checkIns: this.checkIns,
      reentries: this.reentries,
      first: this.first,
      last: this.last,
      gates: gates.sort(byName((g) => g.gate)),
      sessions: sessions.sort(byName((s) => s.sessionId)),
      devices: devices.sort(byName((d) => d.deviceId)),
      hours,
      products: [...this.products]
        .map(([productId, p]) => ({ productId, ...p }))
        .sort((a, b) => b.checkIns - a.checkIns || collator.compare(a.productId, b.productId)),
      quarters: [...this.quarters]
        .sort((a, b) => a[0] - b[0])
        .map(([start, q]) => ({
          start,
          checkIns: q.checkIns,
          reentries: q.reentries,
          reentryGates: [...q.gates]
            .map(([gate, count]) => ({ gate, count }))
            .sort((a, b) => b.count - a.count || collator.compare(a.gate, b.gate)),
        })),
    };
  }
}
