/**
 * The paged, sortable lists of the activity model: scanner sessions and devices. Every column
 * the renderer shows can be sorted, both ways; ties fall back to the id so pages never overlap.
 */
import type {
  ActivityStatus,
  DeviceSort,
  DeviceVm,
  DevicesPage,
  SessionSort,
  SessionVm,
  SessionsPage,
  SortDirection,
} from '../api/channels/activity';
import type { Thresholds } from '../settings';
import type { ActivityState } from './activity-aggregator';
import { deviceVm, laggingDeviceIds, sessionVm } from './activity-views';

type Compare<T> = (a: T, b: T) => number;

/** Names and statuses read A→Z (active first); counts, rates and times biggest/newest first. */
export function naturalDirection(sort: SessionSort | DeviceSort): SortDirection {
  return ['session', 'device', 'gate', 'status'].includes(sort) ? 'asc' : 'desc';
}

const natural = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });
const STATUS_RANK: Record<ActivityStatus, number> = { active: 0, idle: 1, ended: 2 };

/** Applies a direction, then the tie-break (always ascending by id). */
function ordered<T>(cmp: Compare<T>, dir: SortDirection, tie: Compare<T>): Compare<T> {
  const sign = dir === 'asc' ? 1 : -1;
  return (a, b) => sign * cmp(a, b) || tie(a, b);
}

const SESSION_COMPARE: Record<SessionSort, Compare<SessionVm>> = {
  session: (a, b) => natural(a.sessionId, b.sessionId),
  status: (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status],
  device: (a, b) => natural(a.deviceId, b.deviceId),
  gate: (a, b) => natural(a.gate, b.gate),
  count: (a, b) => a.count - b.count,
  rate: (a, b) => a.ratePerMin - b.ratePerMin,
  avgRate: (a, b) => a.avgPerMin - b.avgPerMin,
  firstScan: (a, b) => a.firstScanAt - b.firstScanAt,
  lastScan: (a, b) => a.lastScanAt - b.lastScanAt,
};

export interface SessionsQuery {
  gate?: string | undefined;
  deviceId?: string | undefined;
  status?: ActivityStatus | undefined;
  sort: SessionSort;
  dir?: SortDirection | undefined;
  offset: number;
  limit: number;
}

export function sessionsPage(
  state: ActivityState,
  now: number,
  t: Thresholds,
  q: SessionsQuery,
): SessionsPage {
  const rows: SessionVm[] = [];
  for (const s of state.sessions.values()) {
    if (q.gate !== undefined && s.gate !== q.gate) continue;
    if (q.deviceId !== undefined && s.deviceId !== q.deviceId) continue;
    const vm = sessionVm(s, state, now, t);
    if (q.status !== undefined && vm.status !== q.status) continue;
    rows.push(vm);
  }
  const dir = q.dir ?? naturalDirection(q.sort);
  rows.sort(ordered(SESSION_COMPARE[q.sort], dir, SESSION_COMPARE.session));
  return { total: rows.length, offset: q.offset, rows: rows.slice(q.offset, q.offset + q.limit) };
}

const DEVICE_COMPARE: Record<Exclude<DeviceSort, 'lag'>, Compare<DeviceVm>> = {
  device: (a, b) => natural(a.deviceId, b.deviceId),
  status: (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status],
  gate: (a, b) => natural(a.gate, b.gate),
  session: (a, b) => natural(a.sessionId, b.sessionId),
  lastScan: (a, b) => a.lastScanAt - b.lastScanAt,
  lastSeen: (a, b) => a.lastSeenAt - b.lastSeenAt,
  last5: (a, b) => a.last5 - b.last5,
  last15: (a, b) => a.last15 - b.last15,
  count: (a, b) => a.count - b.count,
};

/**
 * Upload lag, worst first: devices still working (active or idle) before ended ones, whose lag
 * is stale; among them the ones flagged as lagging first. The direction orders the lag within
 * those groups; ended devices stay last either way.
 */
function lagOrder(dir: SortDirection): Compare<DeviceVm> {
  const sign = dir === 'asc' ? 1 : -1;
  return (a, b) =>
    Number(a.status === 'ended') - Number(b.status === 'ended') ||
    Number(b.lagging) - Number(a.lagging) ||
    sign * (a.uploadLagMs - b.uploadLagMs) ||
    DEVICE_COMPARE.device(a, b);
}

export interface DevicesQuery {
  gate?: string | undefined;
  sessionId?: string | undefined;
  status?: ActivityStatus | undefined;
  laggingOnly: boolean;
  sort: DeviceSort;
  dir?: SortDirection | undefined;
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
  const rows: DeviceVm[] = [];
  const gates = new Set<string>();
  const sessions = new Set<string>();
  for (const d of state.devices.values()) {
    gates.add(d.gate);
    if (q.gate !== undefined && d.gate !== q.gate) continue;
    sessions.add(d.sessionId);
    if (q.sessionId !== undefined && d.sessionId !== q.sessionId) continue;
    const vm = deviceVm(d, now, t, lagging.has(d.deviceId));
    if (q.status !== undefined && vm.status !== q.status) continue;
    if (q.laggingOnly && !vm.lagging) continue;
    rows.push(vm);
  }
  const dir = q.dir ?? naturalDirection(q.sort);
  rows.sort(
    q.sort === 'lag' ? lagOrder(dir) : ordered(DEVICE_COMPARE[q.sort], dir, DEVICE_COMPARE.device),
  );
  return {
    total: rows.length,
    offset: q.offset,
    rows: rows.slice(q.offset, q.offset + q.limit),
    gates: [...gates].sort(natural),
    sessions: [...sessions].sort(natural),
  };
}
