/**
 * Activity channels: the supervisor's live picture, as small view models computed in main from
 * incrementally kept aggregates (never the check-in table). Each list has a query and a `-watch`
 * subscription taking the same request: it emits the page at once, then again whenever it
 * changes, at most a few times per second.
 */
import { z } from 'zod';
import { query, subscription } from '../define';

export const ACTIVITY_STATUSES = ['active', 'idle', 'ended'] as const;
export const activityStatusSchema = z.enum(ACTIVITY_STATUSES);
export type ActivityStatus = z.infer<typeof activityStatusSchema>;

const id = z.string().max(128);
const ms = z.number().int().nonnegative();

export const minuteCountSchema = z.object({ t: ms, count: z.number().int().nonnegative() });

/** The windows the gate figures are kept for ("last N minutes", by check-in time). */
export const GATE_WINDOWS = [5, 15, 30, 60] as const;
export type GateWindow = (typeof GATE_WINDOWS)[number];
export const gateWindowSchema = z.union([
  z.literal(5),
  z.literal(15),
  z.literal(30),
  z.literal(60),
]);

export const productCountSchema = z.object({
  productId: id,
  count: z.number().int().nonnegative(),
});

export const gateVmSchema = z.object({
  gate: id,
  count: z.number().int().nonnegative(),
  reentries: z.number().int().nonnegative(),
  /** Scans per minute over the last 5 minutes (what "per min" means everywhere). */
  ratePerMin: z.number().nonnegative(),
  last5: z.number().int().nonnegative(),
  last15: z.number().int().nonnegative(),
  last30: z.number().int().nonnegative(),
  last60: z.number().int().nonnegative(),
  /** Scans per minute for the last 60 minutes, oldest first (the sparkline). */
  spark: z.array(z.number().int().nonnegative()),
  /** Scans per product at this gate, most first. */
  products: z.array(productCountSchema),
  lastScanAt: ms.nullable(),
  devices: z.number().int().nonnegative(),
  activeDevices: z.number().int().nonnegative(),
  idleDevices: z.number().int().nonnegative(),
  sessions: z.number().int().nonnegative(),
});
export type GateVm = z.infer<typeof gateVmSchema>;

export const productVmSchema = productCountSchema;

const forecast = {
  /** Tickets admitted per minute over the last 15 minutes (first scans only). */
  ratePerMin: z.number().nonnegative(),
  /** When 90 % / 100 % will be reached at that rate; null: reached, or not at this rate. */
  eta90: ms.nullable(),
  eta100: ms.nullable(),
};

export const progressSchema = z.object({
  /** Some expected attendance is set; otherwise the view says so instead of 0 %. */
  configured: z.boolean(),
  events: z.array(
    z.object({
      eventId: id,
      /** Tickets admitted (first scans; a re-entry does not count twice). */
      admitted: z.number().int().nonnegative(),
      expected: z.number().int().positive().nullable(),
      percent: z.number().nonnegative().nullable(),
      ...forecast,
    }),
  ),
  /** Gates with an expected attendance of their own. */
  gates: z.array(
    z.object({
      gate: id,
      admitted: z.number().int().nonnegative(),
      expected: z.number().int().positive(),
      percent: z.number().nonnegative(),
    }),
  ),
  /** Over the events with an expectation. */
  total: z
    .object({
      expected: z.number().int().positive(),
      admitted: z.number().int().nonnegative(),
      percent: z.number().nonnegative(),
      ...forecast,
    })
    .nullable(),
  source: z.object({ fileName: z.string(), tickets: z.number().int(), importedAt: ms }).nullable(),
});
export type Progress = z.infer<typeof progressSchema>;

export const overviewSchema = z.object({
  totals: z.object({
    checkins: z.number().int().nonnegative(),
    reentries: z.number().int().nonnegative(),
    quarantined: z.number().int().nonnegative(),
    gates: z.number().int().nonnegative(),
    devices: z.number().int().nonnegative(),
    activeDevices: z.number().int().nonnegative(),
    sessions: z.number().int().nonnegative(),
    activeSessions: z.number().int().nonnegative(),
  }),
  /** Scans per minute over the last 5 minutes (by check-in time). */
  ratePerMin: z.number().nonnegative(),
  /** The window the gates are ranked by (busiest first). */
  gateWindow: gateWindowSchema,
  /** Arrivals per minute (by check-in time), oldest first, up to `minutes` of the request. */
  perMinute: z.array(minuteCountSchema),
  gates: z.array(gateVmSchema),
  products: z.array(productVmSchema),
  /** Receive time of the newest stored check-in: "data as of". */
  dataAsOf: ms.nullable(),
  lastCheckInAt: ms.nullable(),
  /** Highest ingest sequence folded in. */
  lastIngestSeq: z.number().int().nonnegative(),
  /** Progress toward the expected attendance (Settings). */
  progress: progressSchema,
  /** The venue's time zone as the events give it (shared/domain/venue-zone.ts); null: unknown. */
  venueTimeZone: z.string().nullable(),
  /** The clock of main when this was computed (statuses and rates are relative to it). */
  computedAt: ms,
});
export type Overview = z.infer<typeof overviewSchema>;

export const overviewRequestSchema = z
  .object({
    /** How many minutes of the arrivals chart to return (ending at the newest check-in). */
    minutes: z
      .number()
      .int()
      .min(10)
      .max(7 * 24 * 60)
      .default(180),
    /** Rank the gates by scans in this many last minutes. */
    gateWindow: gateWindowSchema.default(5),
  })
  .strict();

export const sessionVmSchema = z.object({
  sessionId: id,
  deviceId: id,
  gate: id,
  count: z.number().int().nonnegative(),
  reentries: z.number().int().nonnegative(),
  firstScanAt: ms,
  lastScanAt: ms,
  /** Scans per minute over the last 5 minutes. */
  ratePerMin: z.number().nonnegative(),
  /** Average scans per minute between its first and last scan (the session's whole life). */
  avgPerMin: z.number().nonnegative(),
  status: activityStatusSchema,
});
export type SessionVm = z.infer<typeof sessionVmSchema>;

export const deviceVmSchema = z.object({
  deviceId: id,
  gate: id,
  sessionId: id,
  count: z.number().int().nonnegative(),
  firstScanAt: ms,
  lastScanAt: ms,
  /** The latest moment the device is known to have worked (its newest scan or upload). */
  lastSeenAt: ms,
  last5: z.number().int().nonnegative(),
  last15: z.number().int().nonnegative(),
  /** Received minus checked-in time of its most recently received check-in. */
  uploadLagMs: z.number().int(),
  /** How far its latest upload was behind the newest scan from any device (what `lagging` uses). */
  behindMs: z.number().int().nonnegative(),
  lagging: z.boolean(),
  status: activityStatusSchema,
});
export type DeviceVm = z.infer<typeof deviceVmSchema>;

export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
const dir = z.enum(SORT_DIRECTIONS);

export const SESSION_SORTS = [
  'session',
  'status',
  'device',
  'gate',
  'count',
  'rate',
  'avgRate',
  'firstScan',
  'lastScan',
] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];

export const DEVICE_SORTS = [
  'device',
  'status',
  'gate',
  'session',
  'lastScan',
  'lastSeen',
  'last5',
  'last15',
  'lag',
  'count',
] as const;
export type DeviceSort = (typeof DEVICE_SORTS)[number];

const page = {
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(100),
};

export const sessionsRequestSchema = z
  .object({
    gate: id.optional(),
    deviceId: id.optional(),
    status: activityStatusSchema.optional(),
    sort: z.enum(SESSION_SORTS).default('lastScan'),
    /** Default: the natural one for the column (names ascending, figures descending). */
    dir: dir.optional(),
    ...page,
  })
  .strict();
export type SessionsRequest = z.input<typeof sessionsRequestSchema>;

export const sessionsPageSchema = z.object({
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  rows: z.array(sessionVmSchema),
});
export type SessionsPage = z.infer<typeof sessionsPageSchema>;

export const devicesRequestSchema = z
  .object({
    gate: id.optional(),
    sessionId: id.optional(),
    status: activityStatusSchema.optional(),
    laggingOnly: z.boolean().default(false),
    sort: z.enum(DEVICE_SORTS).default('device'),
    /** Default: the natural one for the column (names ascending, figures descending). */
    dir: dir.optional(),
    ...page,
  })
  .strict();
export type DevicesRequest = z.input<typeof devicesRequestSchema>;

export const devicesPageSchema = z.object({
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  rows: z.array(deviceVmSchema),
  /** Gates and sessions of every device, for the filter lists (not only the rows shown). */
  gates: z.array(id),
  sessions: z.array(id),
});
export type DevicesPage = z.infer<typeof devicesPageSchema>;

export const gatesResponseSchema = z.object({ rows: z.array(gateVmSchema) });

export const activityChannels = {
  'activity:overview': query(overviewRequestSchema, overviewSchema),
  'activity:overview-watch': subscription(overviewRequestSchema, overviewSchema),
  'activity:sessions': query(sessionsRequestSchema, sessionsPageSchema),
  'activity:sessions-watch': subscription(sessionsRequestSchema, sessionsPageSchema),
  'activity:devices': query(devicesRequestSchema, devicesPageSchema),
  'activity:devices-watch': subscription(devicesRequestSchema, devicesPageSchema),
  'activity:gates': query(z.object({}).strict(), gatesResponseSchema),
  'activity:gates-watch': subscription(z.object({}).strict(), gatesResponseSchema),
};

export const activityMethods = {
  getOverview: { kind: 'query', channel: 'activity:overview' },
  watchOverview: { kind: 'subscription', channel: 'activity:overview-watch' },
  getSessions: { kind: 'query', channel: 'activity:sessions' },
  watchSessions: { kind: 'subscription', channel: 'activity:sessions-watch' },
  getDevices: { kind: 'query', channel: 'activity:devices' },
  watchDevices: { kind: 'subscription', channel: 'activity:devices-watch' },
  getGates: { kind: 'query', channel: 'activity:gates' },
  watchGates: { kind: 'subscription', channel: 'activity:gates-watch' },
} as const;
