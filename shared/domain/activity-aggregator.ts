/**
 * The activity model: aggregates per scanner session, device, gate, product and minute, folded
 * in one check-in at a time in ingest order. It is pure (no clock, no I/O): statuses and
 * "last N minutes" figures are computed against a `now` given by the caller, and the whole
 * state serializes to a small snapshot so a restart folds in only what came after it.
 *
 * Folding is idempotent by ingest sequence: a check-in at or below `lastIngestSeq` is ignored,
 * so replaying an overlapping range (snapshot + catch-up + live events) never double counts.
 */

export const MINUTE = 60_000;
/** Per device and gate, minute buckets are kept this far back from their newest scan. */
const RECENT_MINUTES = 16;
/** Re-entries kept for the alerts (newest last). */
const RECENT_REENTRIES = 200;

/** The fields of a stored check-in the model reads. */
export interface ActivityCheckIn {
  /** Primary key of the stored check-in (kept for re-entries: the "re-entries only" list). */
  readonly id?: string;
  readonly ingestSeq: number;
  readonly ticketId: string;
  readonly checkInId: string;
  readonly sessionId: string;
  readonly deviceId: string;
  readonly gate: string;
  readonly productId: string;
  readonly checkedInAt: number;
  readonly receivedAt: number;
  readonly reentry: boolean;
}

export interface SessionAgg {
  sessionId: string;
  deviceId: string;
  gate: string;
  count: number;
  reentries: number;
  firstScanAt: number;
  lastScanAt: number;
}

export interface DeviceAgg {
  deviceId: string;
  gate: string;
  sessionId: string;
  /** First scan of the current session: a newer session on the device ends the older ones. */
  sessionStartAt: number;
  count: number;
  firstScanAt: number;
  lastScanAt: number;
  lastSeenAt: number;
  uploadLagMs: number;
  /**
   * How far its latest received check-in was behind the newest scan already stored from any
   * device. A replay of our own backlog arrives in order (small), a device that buffered offline
   * uploads scans older than everyone else's (large): this tells the two apart.
   */
  behindMs: number;
  /** minute start → scans, for the last RECENT_MINUTES minutes of this device. */
  recent: Map<number, number>;
}

export interface GateAgg {
  gate: string;
  count: number;
  lastScanAt: number;
  recent: Map<number, number>;
}

export interface ReentryRecord {
  readonly ingestSeq: number;
  readonly ticketId: string;
  readonly checkInId: string;
  readonly gate: string;
  readonly deviceId: string;
  readonly sessionId: string;
  readonly checkedInAt: number;
}

export interface ActivityState {
  lastIngestSeq: number;
  checkins: number;
  reentries: number;
  /** Receive time of the newest check-in ("data as of"). */
  lastReceivedAt: number | null;
  lastCheckInAt: number | null;
  minutes: Map<number, number>;
  sessions: Map<string, SessionAgg>;
  devices: Map<string, DeviceAgg>;
  gates: Map<string, GateAgg>;
  products: Map<string, number>;
  recentReentries: ReentryRecord[];
  /**
   * Ids of every re-entry check-in, in ingest order: the "re-entries only" list without a scan
   * of the whole table (the `reentry` field has no index). 22 characters each.
   */
  reentryIds: string[];
}

export function emptyActivity(): ActivityState {
  return {
    lastIngestSeq: 0,
    checkins: 0,
    reentries: 0,
    lastReceivedAt: null,
    lastCheckInAt: null,
    minutes: new Map(),
    sessions: new Map(),
    devices: new Map(),
    gates: new Map(),
    products: new Map(),
    recentReentries: [],
    reentryIds: [],
  };
}

export const minuteOf = (t: number): number => Math.floor(t / MINUTE) * MINUTE;

function bump(map: Map<number, number>, key: number, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function addRecent(recent: Map<number, number>, minute: number, newest: number): void {
  const floor = minuteOf(newest) - RECENT_MINUTES * MINUTE;
  if (minute <= floor) return;
  bump(recent, minute);
  if (recent.size > RECENT_MINUTES + 1) {
    for (const k of recent.keys()) if (k <= floor) recent.delete(k);
  }
}

/** Folds one check-in in. Returns false when it was already covered (seq at or below the mark). */
export function foldCheckIn(state: ActivityState, c: ActivityCheckIn): boolean {
  if (c.ingestSeq <= state.lastIngestSeq) return false;
  const front = state.lastCheckInAt ?? c.checkedInAt;
  state.lastIngestSeq = c.ingestSeq;
  state.checkins += 1;
  const minute = minuteOf(c.checkedInAt);
  bump(state.minutes, minute);
  state.lastReceivedAt = Math.max(state.lastReceivedAt ?? 0, c.receivedAt);
  state.lastCheckInAt = Math.max(state.lastCheckInAt ?? 0, c.checkedInAt);
  state.products.set(c.productId, (state.products.get(c.productId) ?? 0) + 1);

  let session = state.sessions.get(c.sessionId);
  if (!session) {
    session = {
      sessionId: c.sessionId,
      deviceId: c.deviceId,
      gate: c.gate,
      count: 0,
      reentries: 0,
      firstScanAt: c.checkedInAt,
      lastScanAt: c.checkedInAt,
    };
    state.sessions.set(c.sessionId, session);
  }
  session.count += 1;
  session.firstScanAt = Math.min(session.firstScanAt, c.checkedInAt);
  if (c.checkedInAt >= session.lastScanAt) {
    session.lastScanAt = c.checkedInAt;
    // A scanner can be carried to another gate within a session: the latest scan says where it is.
    if (c.gate) session.gate = c.gate;
    if (c.deviceId) session.deviceId = c.deviceId;
  }

  let device = state.devices.get(c.deviceId);
  if (!device) {
    device = {
      deviceId: c.deviceId,
      gate: c.gate,
      sessionId: c.sessionId,
      sessionStartAt: session.firstScanAt,
      count: 0,
      firstScanAt: c.checkedInAt,
      lastScanAt: c.checkedInAt,
      lastSeenAt: c.receivedAt,
      uploadLagMs: 0,
      behindMs: 0,
      recent: new Map(),
    };
    state.devices.set(c.deviceId, device);
  }
  device.count += 1;
  device.firstScanAt = Math.min(device.firstScanAt, c.checkedInAt);
  device.lastSeenAt = Math.max(device.lastSeenAt, c.receivedAt);
  device.uploadLagMs = Math.max(0, c.receivedAt - c.checkedInAt);
  device.behindMs = Math.max(0, front - c.checkedInAt);
  if (c.checkedInAt >= device.lastScanAt) {
    device.lastScanAt = c.checkedInAt;
    if (c.gate) device.gate = c.gate;
  }
  if (c.sessionId === device.sessionId) {
    device.sessionStartAt = session.firstScanAt;
  } else if (session.firstScanAt >= device.sessionStartAt) {
    device.sessionId = c.sessionId;
    device.sessionStartAt = session.firstScanAt;
  }
  addRecent(device.recent, minute, device.lastScanAt);

  let gate = state.gates.get(c.gate);
  if (!gate) {
    gate = { gate: c.gate, count: 0, lastScanAt: c.checkedInAt, recent: new Map() };
    state.gates.set(c.gate, gate);
  }
  gate.count += 1;
  gate.lastScanAt = Math.max(gate.lastScanAt, c.checkedInAt);
  addRecent(gate.recent, minute, gate.lastScanAt);

  if (c.reentry) {
    state.reentries += 1;
    session.reentries += 1;
    state.recentReentries.push({
      ingestSeq: c.ingestSeq,
      ticketId: c.ticketId,
      checkInId: c.checkInId,
      gate: c.gate,
      deviceId: c.deviceId,
      sessionId: c.sessionId,
      checkedInAt: c.checkedInAt,
    });
    if (state.recentReentries.length > RECENT_REENTRIES) state.recentReentries.shift();
    if (c.id !== undefined) state.reentryIds.push(c.id);
  }
  return true;
}

/** Scans in the `minutes` minutes before `now` (the current, partial minute included). */
export function scansSince(
  recent: ReadonlyMap<number, number>,
  now: number,
  minutes: number,
): number {
  const from = minuteOf(now) - (minutes - 1) * MINUTE;
  let n = 0;
  for (const [m, c] of recent) if (m >= from && m <= now) n += c;
  return n;
}

/** Scans per minute over the last `minutes` minutes. */
export function ratePerMinute(
  recent: ReadonlyMap<number, number>,
  now: number,
  minutes = 5,
): number {
  const window = (minutes - 1) * MINUTE + Math.max(now - minuteOf(now), 1);
  return Math.round((scansSince(recent, now, minutes) / window) * MINUTE * 10) / 10;
}

// ---------------------------------------------------------------------------------------------
// Snapshot: a JSON-safe copy of the state (Maps as entry arrays).

export interface ActivitySnapshot {
  readonly v: 2;
  readonly lastIngestSeq: number;
  readonly checkins: number;
  readonly reentries: number;
  readonly lastReceivedAt: number | null;
  readonly lastCheckInAt: number | null;
  readonly minutes: ReadonlyArray<readonly [number, number]>;
  readonly sessions: ReadonlyArray<SessionAgg>;
  readonly devices: ReadonlyArray<Omit<DeviceAgg, 'recent'> & { recent: Array<[number, number]> }>;
  readonly gates: ReadonlyArray<Omit<GateAgg, 'recent'> & { recent: Array<[number, number]> }>;
  readonly products: ReadonlyArray<readonly [string, number]>;
  readonly recentReentries: ReadonlyArray<ReentryRecord>;
  readonly reentryIds: ReadonlyArray<string>;
}

export function toSnapshot(s: ActivityState): ActivitySnapshot {
  return {
    v: 2,
    lastIngestSeq: s.lastIngestSeq,
    checkins: s.checkins,
    reentries: s.reentries,
    lastReceivedAt: s.lastReceivedAt,
    lastCheckInAt: s.lastCheckInAt,
    minutes: [...s.minutes],
    sessions: [...s.sessions.values()].map((x) => ({ ...x })),
    devices: [...s.devices.values()].map((d) => ({ ...d, recent: [...d.recent] })),
    gates: [...s.gates.values()].map((g) => ({ ...g, recent: [...g.recent] })),
    products: [...s.products],
    recentReentries: [...s.recentReentries],
    reentryIds: [...s.reentryIds],
  };
}

/** Reads a snapshot back; anything unexpected gives null (the caller rebuilds from the store). */
export function fromSnapshot(value: unknown): ActivityState | null {
  const v = value as Partial<ActivitySnapshot> | null;
  // Another version (v1 had no re-entry ids) is rebuilt from the store, never half-trusted.
  if (
    !v ||
    v.v !== 2 ||
    typeof v.lastIngestSeq !== 'number' ||
    !Array.isArray(v.sessions) ||
    !Array.isArray(v.reentryIds)
  ) {
    return null;
  }
  try {
    return {
      lastIngestSeq: v.lastIngestSeq,
      checkins: v.checkins ?? 0,
      reentries: v.reentries ?? 0,
      lastReceivedAt: v.lastReceivedAt ?? null,
      lastCheckInAt: v.lastCheckInAt ?? null,
      minutes: new Map(v.minutes?.map(([a, b]) => [a, b])),
      sessions: new Map(v.sessions.map((x) => [x.sessionId, { ...x }])),
      devices: new Map(
        (v.devices ?? []).map((d) => [
          d.deviceId,
          { ...d, behindMs: d.behindMs ?? 0, recent: new Map(d.recent) },
        ]),
      ),
      gates: new Map((v.gates ?? []).map((g) => [g.gate, { ...g, recent: new Map(g.recent) }])),
      products: new Map(v.products?.map(([a, b]) => [a, b])),
      recentReentries: [...(v.recentReentries ?? [])],
      reentryIds: [...v.reentryIds],
    };
  } catch {
    return null;
  }
}
