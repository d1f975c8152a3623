/**
 * The activity model: aggregates per scanner session, device, gate, product, event and minute,
 * folded in one check-in at a time in arrival order (the rows of shared/api/channels/checkins,
 * with re-entry by check-in time; see applyFlip). It is pure (no clock, no I/O): statuses and
 * "last N minutes" figures are computed against a `now` given by the caller, and the whole
 * state serializes to a small snapshot (activity-snapshot.ts) so a restart folds in only what
 * came after it.
 *
 * Folding is idempotent by ingest sequence: a check-in at or below `lastIngestSeq` is ignored,
 * so replaying an overlapping range (snapshot + catch-up + live events) never double counts.
 */

export const MINUTE = 60_000;
export const QUARTER_HOUR = 15 * MINUTE;
/** Per device, session and event, minute buckets are kept this far back from their newest scan. */
const RECENT_MINUTES = 16;
/** Gates keep an hour: the 60-minute window and the sparkline. */
export const GATE_RECENT_MINUTES = 61;
/** Re-entries listed per gate and quarter-hour (the count is always exact). */
export const REENTRY_GROUP_ITEMS = 20;
/** Re-entry groups kept (oldest quarter-hours dropped first). */
const REENTRY_GROUPS = 3000;

/** The fields of a check-in row (CheckInRow) the model reads; `ingestSeq`: arrival order here. */
export interface ActivityCheckIn {
  readonly id?: string;
  readonly ingestSeq: number;
  readonly ticketId: string;
  readonly checkInId: string;
  readonly sessionId: string;
  readonly deviceId: string;
  readonly gate: string;
  readonly productId: string;
  readonly eventId?: string;
  readonly checkedInAt: number;
  readonly receivedAt: number;
  /** The CloudEvents `time` (when the scanner or its uplink sent it), when the event has one. */
  readonly time?: number;
  readonly reentry: boolean;
}

/**
 * A check-in the model folded as its ticket's first scan that is a re-entry now: an earlier scan
 * of the ticket arrived later (a late upload, or from a peer). `flip` numbers flips in order.
 */
export type ActivityFlip = ActivityCheckIn & { readonly flip: number };

export interface SessionAgg {
  sessionId: string;
  deviceId: string;
  gate: string;
  count: number;
  reentries: number;
  firstScanAt: number;
  lastScanAt: number;
  /** minute start → scans, for the last RECENT_MINUTES minutes of this session. */
  recent: Map<number, number>;
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
  /**
   * The latest moment the device is known to have worked: its newest scan, or the newest time
   * it sent one (the event's `time`, capped at when we got it). Not our receive time: a backlog
   * replayed at start would make every device "seen" at that one instant.
   */
  lastSeenAt: number;
  /** When a check-in of it last reached us (what "heard from recently" means for lag). */
  lastReceivedAt: number;
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
  reentries: number;
  lastScanAt: number;
  /** minute start → scans, for the last GATE_RECENT_MINUTES minutes of this gate. */
  recent: Map<number, number>;
  products: Map<string, number>;
}

export interface EventAgg {
  eventId: string;
  checkins: number;
  reentries: number;
  /** minute start → first scans of a ticket (admissions), last RECENT_MINUTES minutes. */
  recentAdmissions: Map<number, number>;
  lastScanAt: number;
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

/** Re-entries of one gate in one quarter-hour (by check-in time): one alert, not one per scan. */
export interface ReentryGroup {
  readonly gate: string;
  readonly quarterStart: number;
  count: number;
  /** The newest REENTRY_GROUP_ITEMS of them, oldest first. */
  items: ReentryRecord[];
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
  events: Map<string, EventAgg>;
  /** Keyed by `reentryGroupKey(gate, quarterStart)`. */
  reentryGroups: Map<string, ReentryGroup>;
  /** The last flip applied (see applyFlip). */
  lastFlip: number;
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
    events: new Map(),
    reentryGroups: new Map(),
    lastFlip: 0,
  };
}

export const minuteOf = (t: number): number => Math.floor(t / MINUTE) * MINUTE;
export const quarterOf = (t: number): number => Math.floor(t / QUARTER_HOUR) * QUARTER_HOUR;
export const reentryGroupKey = (gate: string, quarterStart: number): string =>
  `${quarterStart}|${gate}`;

function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Adds one scan to a bucket map that keeps `keep` minutes back from `newest`. */
function addRecent(
  recent: Map<number, number>,
  minute: number,
  newest: number,
  keep: number,
): void {
  const floor = minuteOf(newest) - keep * MINUTE;
  if (minute <= floor) return;
  bump(recent, minute);
  if (recent.size > keep + 1) {
    for (const k of recent.keys()) if (k <= floor) recent.delete(k);
  }
}

function foldSession(state: ActivityState, c: ActivityCheckIn, minute: number): SessionAgg {
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
      recent: new Map(),
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
  addRecent(session.recent, minute, session.lastScanAt, RECENT_MINUTES);
  if (c.reentry) session.reentries += 1;
  return session;
}

function foldDevice(
  state: ActivityState,
  c: ActivityCheckIn,
  session: SessionAgg,
  front: number,
  minute: number,
): void {
  const sentAt = Math.min(c.time ?? c.checkedInAt, c.receivedAt);
  const seen = Math.max(c.checkedInAt, sentAt);
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
      lastSeenAt: seen,
      lastReceivedAt: c.receivedAt,
      uploadLagMs: 0,
      behindMs: 0,
      recent: new Map(),
    };
    state.devices.set(c.deviceId, device);
  }
  device.count += 1;
  device.firstScanAt = Math.min(device.firstScanAt, c.checkedInAt);
  device.lastSeenAt = Math.max(device.lastSeenAt, seen);
  device.lastReceivedAt = Math.max(device.lastReceivedAt, c.receivedAt);
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
  addRecent(device.recent, minute, device.lastScanAt, RECENT_MINUTES);
}

function foldGate(state: ActivityState, c: ActivityCheckIn, minute: number): void {
  let gate = state.gates.get(c.gate);
  if (!gate) {
    gate = {
      gate: c.gate,
      count: 0,
      reentries: 0,
      lastScanAt: c.checkedInAt,
      recent: new Map(),
      products: new Map(),
    };
    state.gates.set(c.gate, gate);
  }
  gate.count += 1;
  if (c.reentry) gate.reentries += 1;
  gate.lastScanAt = Math.max(gate.lastScanAt, c.checkedInAt);
  bump(gate.products, c.productId);
  addRecent(gate.recent, minute, gate.lastScanAt, GATE_RECENT_MINUTES);
}

function foldEvent(state: ActivityState, c: ActivityCheckIn, minute: number): void {
  const eventId = c.eventId ?? '';
  let event = state.events.get(eventId);
  if (!event) {
    event = { eventId, checkins: 0, reentries: 0, recentAdmissions: new Map(), lastScanAt: 0 };
    state.events.set(eventId, event);
  }
  event.checkins += 1;
  event.lastScanAt = Math.max(event.lastScanAt, c.checkedInAt);
  if (c.reentry) event.reentries += 1;
  else addRecent(event.recentAdmissions, minute, event.lastScanAt, RECENT_MINUTES);
}

function foldReentry(state: ActivityState, c: ActivityCheckIn): void {
  state.reentries += 1;
  const quarterStart = quarterOf(c.checkedInAt);
  const key = reentryGroupKey(c.gate, quarterStart);
  let group = state.reentryGroups.get(key);
  if (!group) {
    group = { gate: c.gate, quarterStart, count: 0, items: [] };
    state.reentryGroups.set(key, group);
    if (state.reentryGroups.size > REENTRY_GROUPS) dropOldestGroup(state.reentryGroups);
  }
  group.count += 1;
  group.items.push({
    ingestSeq: c.ingestSeq,
    ticketId: c.ticketId,
    checkInId: c.checkInId,
    gate: c.gate,
    deviceId: c.deviceId,
    sessionId: c.sessionId,
    checkedInAt: c.checkedInAt,
  });
  if (group.items.length > REENTRY_GROUP_ITEMS) group.items.shift();
}

function dropOldestGroup(groups: Map<string, ReentryGroup>): void {
  let oldest: string | undefined;
  let at = Infinity;
  for (const [key, g] of groups) {
    if (g.quarterStart < at) {
      at = g.quarterStart;
      oldest = key;
    }
  }
  if (oldest !== undefined) groups.delete(oldest);
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
  bump(state.products, c.productId);
  const session = foldSession(state, c, minute);
  foldDevice(state, c, session, front, minute);
  foldGate(state, c, minute);
  foldEvent(state, c, minute);
  if (c.reentry) foldReentry(state, c);
  return true;
}

/**
 * Counts a folded first scan as a re-entry from now on. Returns false when the flip was applied
 * already (number at or below `lastFlip`) or its check-in is not folded yet (it will be folded
 * with the flag it has by then).
 */
export function applyFlip(state: ActivityState, f: ActivityFlip): boolean {
  if (f.flip <= state.lastFlip) return false;
  state.lastFlip = f.flip;
  if (f.ingestSeq > state.lastIngestSeq) return false;
  const session = state.sessions.get(f.sessionId);
  if (session) session.reentries += 1;
  const gate = state.gates.get(f.gate);
  if (gate) gate.reentries += 1;
  const event = state.events.get(f.eventId ?? '');
  if (event) {
    event.reentries += 1;
    // It was counted as an admission in its minute; it is not one any more.
    const minute = minuteOf(f.checkedInAt);
    const n = event.recentAdmissions.get(minute);
    if (n !== undefined) {
      if (n > 1) event.recentAdmissions.set(minute, n - 1);
      else event.recentAdmissions.delete(minute);
    }
  }
  foldReentry(state, f);
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

/** One count per minute for the `minutes` minutes ending with the one holding `now`, oldest first. */
export function minuteSeries(
  recent: ReadonlyMap<number, number>,
  now: number,
  minutes: number,
): number[] {
  const end = minuteOf(now);
  const out: number[] = [];
  for (let m = end - (minutes - 1) * MINUTE; m <= end; m += MINUTE) out.push(recent.get(m) ?? 0);
  return out;
}
