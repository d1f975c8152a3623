/**
 * View models of the activity model: what the renderer gets (small, paged), computed against a
 * `now` and the thresholds from settings. Pure; main calls these on request and on change.
 */
import type {
  ActivityStatus,
  DeviceVm,
  DevicesPage,
  GateVm,
  Overview,
  SessionVm,
  SessionsPage,
} from '../api/channels/activity';
import type { Thresholds } from '../settings';
import {
  MINUTE,
  minuteOf,
  ratePerMinute,
  scansSince,
  type ActivityState,
  type DeviceAgg,
  type SessionAgg,
} from './activity-aggregator';

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
    if (d.deviceId === '' || now - d.lastSeenAt >= t.sessionEndMinutes * MINUTE) continue;
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
    ratePerMin: Math.round((s.count / minutes) * 10) / 10,
    status: sessionStatus(s, state.devices.get(s.deviceId), now, t),
  };
}

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
    .map((g) => {
      const e = perGate.get(g.gate) ?? { devices: 0, active: 0, idle: 0, sessions: 0 };
      return {
        gate: g.gate,
        count: g.count,
        ratePerMin: ratePerMinute(g.recent, now, 5),
        last5: scansSince(g.recent, now, 5),
        lastScanAt: g.lastScanAt,
        devices: e.devices,
        activeDevices: e.active,
        idleDevices: e.idle,
        sessions: e.sessions,
      };
    })
    .sort((a, b) => a.gate.localeCompare(b.gate, undefined, { numeric: true }));
}

export function overviewVm(
  state: ActivityState,
  now: number,
  t: Thresholds,
  chartMinutes: number,
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
    perMinute,
    gates: gateVms(state, now, t),
    products: [...state.products]
      .map(([productId, count]) => ({ productId, count }))
      .sort((a, b) => b.count - a.count),
    dataAsOf: state.lastReceivedAt,
    lastCheckInAt: state.lastCheckInAt,
    lastIngestSeq: state.lastIngestSeq,
    computedAt: now,
  };
}

export interface SessionsQuery {
  gate?: string | undefined;
  deviceId?: string | undefined;
  status?: ActivityStatus | undefined;
  sort: 'lastScan' | 'count' | 'firstScan';
  offset: number;
  limit: number;
}

export function sessionsPage(
  state: ActivityState,
  now: number,
  t: Thresholds,
  q: SessionsQuery,
): SessionsPage {
  let rows: SessionVm[] = [];
  for (const s of state.sessions.values()) {
    if (q.gate !== undefined && s.gate !== q.gate) continue;
    if (q.deviceId !== undefined && s.deviceId !== q.deviceId) continue;
    const vm = sessionVm(s, state, now, t);
    if (q.status !== undefined && vm.status !== q.status) continue;
    rows.push(vm);
  }
  const key: (s: SessionVm) => number =
    q.sort === 'count'
      ? (s) => s.count
      : q.sort === 'firstScan'
        ? (s) => s.firstScanAt
        : (s) => s.lastScanAt;
  rows.sort((a, b) => key(b) - key(a) || a.sessionId.localeCompare(b.sessionId));
  const total = rows.length;
  rows = rows.slice(q.offset, q.offset + q.limit);
  return { total, offset: q.offset, rows };
}

export interface DevicesQuery {
  gate?: string | undefined;
  status?: ActivityStatus | undefined;
  laggingOnly: boolean;
  sort: 'device' | 'lastScan' | 'lag' | 'count';
  offset: number;
  limit: number;
}

export function devicesPage(
  state: ActivityState,
  now: number,
  t: Thresholds,
  q: DevicesQuery,
): DevicesPage {
  const lagging = laggingDeviceIds(state, now, t);
  let rows: DeviceVm[] = [];
  for (const d of state.devices.values()) {
    if (q.gate !== undefined && d.gate !== q.gate) continue;
    const vm = deviceVm(d, now, t, lagging.has(d.deviceId));
    if (q.status !== undefined && vm.status !== q.status) continue;
    if (q.laggingOnly && !vm.lagging) continue;
    rows.push(vm);
  }
  const byName = (a: DeviceVm, b: DeviceVm) =>
    a.deviceId.localeCompare(b.deviceId, undefined, { numeric: true });
  rows.sort(
    q.sort === 'lastScan'
      ? (a, b) => b.lastScanAt - a.lastScanAt || byName(a, b)
      : q.sort === 'lag'
        ? (a, b) => b.uploadLagMs - a.uploadLagMs || byName(a, b)
        : q.sort === 'count'
          ? (a, b) => b.count - a.count || byName(a, b)
          : byName,
  );
  const total = rows.length;
  rows = rows.slice(q.offset, q.offset + q.limit);
  return { total, offset: q.offset, rows };
}
