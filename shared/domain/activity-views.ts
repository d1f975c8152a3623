/**
 * View models of the activity model: what the renderer gets (small, paged), computed against a
 * `now` and the thresholds from settings. Pure; main calls these on request and on change.
 * The paged lists (sessions, devices) are in activity-pages.ts.
 */
import type {
  ActivityStatus,
  DeviceVm,
  GateVm,
  GateWindow,
  Overview,
  SessionVm,
} from '../api/channels/activity';
import { DEFAULT_SETTINGS, type CapacitySettings, type Thresholds } from '../settings';
import {
  MINUTE,
  minuteOf,
  minuteSeries,
  ratePerMinute,
  scansSince,
  type ActivityState,
  type DeviceAgg,
  type SessionAgg,
} from './activity-aggregator';
import { progressVm } from './capacity';

export function statusAt(lastScanAt: number, now: number, t: Thresholds): ActivityStatus {
  const quiet = now - lastScanAt;
  if (quiet < t.deviceIdleMinutes * MINUTE) return 'active';
  if (quiet < t.sessionEndMinutes * MINUTE) return 'idle';
  return 'ended';
}

export function sessionStatus(
  s: SessionAgg,
  device: DeviceAgg | undefined,
  now: number,
  t: Thresholds,
): ActivityStatus {
  // The device has moved on to a newer session: this one ended, whatever its clock says.
  if (
    device &&
    s.deviceId &&
    device.sessionId !== s.sessionId &&
    device.sessionStartAt >= s.lastScanAt
  ) {
    return 'ended';
  }
  return statusAt(s.lastScanAt, now, t);
}

/**
 * Devices whose uploads run behind the rest of the venue by more than the threshold: a device
 * buffering offline. Measured against the newest scan stored from any device when its check-in
 * arrived (not against the wall clock), so a backlog the relay replays after our own link was
 * down, which arrives in order, singles nobody out. Only devices heard from recently count.
 */
export function laggingDeviceIds(
  state: Readonly<ActivityState>,
  now: number,
  t: Thresholds,
): Set<string> {
  const limit = t.uploadLagSeconds * 1000;
  const out = new Set<string>();
  for (const d of state.devices.values()) {
    if (d.deviceId === '' || now - d.lastReceivedAt >= t.sessionEndMinutes * MINUTE) continue;
    if (d.behindMs > limit) out.add(d.deviceId);
  }
  return out;
}

export function deviceVm(d: DeviceAgg, now: number, t: Thresholds, lagging: boolean): DeviceVm {
  return {
    deviceId: d.deviceId,
    gate: d.gate,
    sessionId: d.sessionId,
    count: d.count,
    firstScanAt: d.firstScanAt,
    lastScanAt: d.lastScanAt,
    lastSeenAt: d.lastSeenAt,
    last5: scansSince(d.recent, now, 5),
    last15: scansSince(d.recent, now, 15),
    uploadLagMs: d.uploadLagMs,
    behindMs: d.behindMs,
    lagging,
    status: statusAt(d.lastScanAt, now, t),
  };
}

export function sessionVm(
  s: SessionAgg,
  state: ActivityState,
  now: number,
  t: Thresholds,
): SessionVm {
  const minutes = Math.max(1, (s.lastScanAt - s.firstScanAt) / MINUTE);
  return {
    sessionId: s.sessionId,
    deviceId: s.deviceId,
    gate: s.gate,
    count: s.count,
    reentries: s.reentries,
    firstScanAt: s.firstScanAt,
    lastScanAt: s.lastScanAt,
    ratePerMin: ratePerMinute(s.recent, now, 5),
    avgPerMin: Math.round((s.count / minutes) * 10) / 10,
    status: sessionStatus(s, state.devices.get(s.deviceId), now, t),
  };
}

const byGateName = (a: { gate: string }, b: { gate: string }) =>
  a.gate.localeCompare(b.gate, undefined, { numeric: true });

/** Every gate, in name order. */
export function gateVms(state: ActivityState, now: number, t: Thresholds): GateVm[] {
  const perGate = new Map<
    string,
    { devices: number; active: number; idle: number; sessions: number }
  >();
  const entry = (g: string) => {
    let e = perGate.get(g);
    if (!e) perGate.set(g, (e = { devices: 0, active: 0, idle: 0, sessions: 0 }));
    return e;
  };
  for (const d of state.devices.values()) {
    const e = entry(d.gate);
    e.devices += 1;
    const st = statusAt(d.lastScanAt, now, t);
    if (st === 'active') e.active += 1;
    else if (st === 'idle') e.idle += 1;
  }
  for (const s of state.sessions.values()) entry(s.gate).sessions += 1;
  return [...state.gates.values()]
    .map((g): GateVm => {
      const e = perGate.get(g.gate) ?? { devices: 0, active: 0, idle: 0, sessions: 0 };
      return {
        gate: g.gate,
        count: g.count,
        reentries: g.reentries,
        ratePerMin: ratePerMinute(g.recent, now, 5),
        last5: scansSince(g.recent, now, 5),
        last15: scansSince(g.recent, now, 15),
        last30: scansSince(g.recent, now, 30),
        last60: scansSince(g.recent, now, 60),
        spark: minuteSeries(g.recent, now, 60),
        products: [...g.products]
          .map(([productId, count]) => ({ productId, count }))
          .sort((a, b) => b.count - a.count || a.productId.localeCompare(b.productId)),
        lastScanAt: g.lastScanAt,
        devices: e.devices,
        activeDevices: e.active,
        idleDevices: e.idle,
        sessions: e.sessions,
      };
    })
    .sort(byGateName);
}

export const windowCount = (g: GateVm, window: GateWindow): number =>
  window === 5 ? g.last5 : window === 15 ? g.last15 : window === 30 ? g.last30 : g.last60;

/** Busiest first over `window` minutes; then by all-time count, then by name. */
export function rankGates(gates: GateVm[], window: GateWindow): GateVm[] {
  return gates.sort(
    (a, b) =>
      windowCount(b, window) - windowCount(a, window) || b.count - a.count || byGateName(a, b),
  );
}

export function overviewVm(
  state: ActivityState,
  now: number,
  t: Thresholds,
  chartMinutes: number,
  gateWindow: GateWindow = 5,
  capacity: CapacitySettings = DEFAULT_SETTINGS.capacity,
): Overview {
  const last = state.lastCheckInAt;
  // Live: the chart ends now. Reviewing an old event offline: it ends at the last check-in.
  const end = minuteOf(last !== null && last < now - chartMinutes * MINUTE ? last : now);
  let firstMinute = end;
  for (const m of state.minutes.keys()) if (m < firstMinute) firstMinute = m;
  // Do not draw hours of nothing before the first arrival: at least 30 minutes, at most asked.
  const start = Math.max(
    end - (chartMinutes - 1) * MINUTE,
    Math.min(firstMinute, end - 29 * MINUTE),
  );
  const perMinute: Array<{ t: number; count: number }> = [];
  for (let m = start; m <= end; m += MINUTE)
    perMinute.push({ t: m, count: state.minutes.get(m) ?? 0 });
  let activeDevices = 0;
  for (const d of state.devices.values())
    if (statusAt(d.lastScanAt, now, t) === 'active') activeDevices += 1;
  let activeSessions = 0;
  for (const s of state.sessions.values()) {
    if (sessionStatus(s, state.devices.get(s.deviceId), now, t) === 'active') activeSessions += 1;
  }
  return {
    totals: {
      checkins: state.checkins,
      reentries: state.reentries,
      quarantined: 0,
      gates: state.gates.size,
      devices: state.devices.size,
      activeDevices,
      sessions: state.sessions.size,
      activeSessions,
    },
    ratePerMin: ratePerMinute(state.minutes, now, 5),
    gateWindow,
    perMinute,
    gates: rankGates(gateVms(state, now, t), gateWindow),
    products: [...state.products]
      .map(([productId, count]) => ({ productId, count }))
      .sort((a, b) => b.count - a.count),
    dataAsOf: state.lastReceivedAt,
    lastCheckInAt: state.lastCheckInAt,
    lastIngestSeq: state.lastIngestSeq,
    progress: progressVm(state, capacity, now),
    venueTimeZone: null,
    computedAt: now,
  };
}
