/**
 * The activity model as a JSON-safe snapshot (Maps as entry arrays), written with the data so a
 * restart folds in only what came after it. Another version is rebuilt from the store, never
 * half-trusted (v3 and before counted re-entries by arrival order, v4 by check-in time).
 */
import {
  reentryGroupKey,
  type ActivityState,
  type DeviceAgg,
  type EventAgg,
  type GateAgg,
  type ReentryGroup,
  type SessionAgg,
} from './activity-aggregator';

type Entries<K, V> = Array<[K, V]>;
type WithRecent<T extends { recent: Map<number, number> }> = Omit<T, 'recent'> & {
  recent: Entries<number, number>;
};

export interface ActivitySnapshot {
  readonly v: 4;
  readonly lastIngestSeq: number;
  readonly lastFlip: number;
  readonly checkins: number;
  readonly reentries: number;
  readonly lastReceivedAt: number | null;
  readonly lastCheckInAt: number | null;
  readonly minutes: ReadonlyArray<readonly [number, number]>;
  readonly sessions: ReadonlyArray<WithRecent<SessionAgg>>;
  readonly devices: ReadonlyArray<WithRecent<DeviceAgg>>;
  readonly gates: ReadonlyArray<
    Omit<WithRecent<GateAgg>, 'products'> & { products: Entries<string, number> }
  >;
  readonly products: ReadonlyArray<readonly [string, number]>;
  readonly events: ReadonlyArray<
    Omit<EventAgg, 'recentAdmissions'> & { recentAdmissions: Entries<number, number> }
  >;
  readonly reentryGroups: ReadonlyArray<ReentryGroup>;
}

export function toSnapshot(s: ActivityState): ActivitySnapshot {
  return {
    v: 4,
    lastIngestSeq: s.lastIngestSeq,
    lastFlip: s.lastFlip,
    checkins: s.checkins,
    reentries: s.reentries,
    lastReceivedAt: s.lastReceivedAt,
    lastCheckInAt: s.lastCheckInAt,
    minutes: [...s.minutes],
    sessions: [...s.sessions.values()].map((x) => ({ ...x, recent: [...x.recent] })),
    devices: [...s.devices.values()].map((d) => ({ ...d, recent: [...d.recent] })),
    gates: [...s.gates.values()].map((g) => ({
      ...g,
      recent: [...g.recent],
      products: [...g.products],
    })),
    products: [...s.products],
    events: [...s.events.values()].map((e) => ({
      ...e,
      recentAdmissions: [...e.recentAdmissions],
    })),
    reentryGroups: [...s.reentryGroups.values()].map((g) => ({ ...g, items: [...g.items] })),
  };
}

/** Reads a snapshot back; anything unexpected gives null (the caller rebuilds from the store). */
export function fromSnapshot(value: unknown): ActivityState | null {
  const v = value as Partial<ActivitySnapshot> | null;
  if (
    !v ||
    v.v !== 4 ||
    typeof v.lastIngestSeq !== 'number' ||
    typeof v.lastFlip !== 'number' ||
    !Array.isArray(v.sessions) ||
    !Array.isArray(v.devices) ||
    !Array.isArray(v.gates) ||
    !Array.isArray(v.events) ||
    !Array.isArray(v.reentryGroups)
  ) {
    return null;
  }
  try {
    return {
      lastIngestSeq: v.lastIngestSeq,
      lastFlip: v.lastFlip,
      checkins: v.checkins ?? 0,
      reentries: v.reentries ?? 0,
      lastReceivedAt: v.lastReceivedAt ?? null,
      lastCheckInAt: v.lastCheckInAt ?? null,
      minutes: new Map(v.minutes?.map(([a, b]) => [a, b])),
      sessions: new Map(v.sessions.map((x) => [x.sessionId, { ...x, recent: new Map(x.recent) }])),
      devices: new Map(
        v.devices.map((d) => [
          d.deviceId,
          { ...d, lastReceivedAt: d.lastReceivedAt ?? d.lastSeenAt, recent: new Map(d.recent) },
        ]),
      ),
      gates: new Map(
        v.gates.map((g) => [
          g.gate,
          { ...g, recent: new Map(g.recent), products: new Map(g.products) },
        ]),
      ),
      products: new Map(v.products?.map(([a, b]) => [a, b])),
      events: new Map(
        v.events.map((e) => [e.eventId, { ...e, recentAdmissions: new Map(e.recentAdmissions) }]),
      ),
      reentryGroups: new Map(
        v.reentryGroups.map((g) => [
          reentryGroupKey(g.gate, g.quarterStart),
          { ...g, items: [...g.items] },
        ]),
      ),
    };
  } catch {
    return null;
  }
}
