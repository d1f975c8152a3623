/**
 * Status channels: what the banner needs beyond the relay link itself, so it never shows a green
 * "Live" that hides a problem. `health` says why the picture may be incomplete (nothing new
 * stored while connected, conflicts or quarantine jumping), what a reconnect caught up, and the
 * redelivery and conflict totals; `outages` lists every period the relay link was down.
 */
import { z } from 'zod';
import { query, subscription } from '../define';

const ms = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

export const outageSchema = z.object({
  /** When the link was lost (ms). */
  from: ms,
  /** When it was live again; null while still down. */
  to: ms.nullable(),
  /** Check-ins stored after it came back that were scanned before (the backlog it caught up). */
  caughtUp: count,
  /** The last error while down, readable. */
  reason: z.string().optional(),
});
export type Outage = z.infer<typeof outageSchema>;

export const HEALTH_REASONS = [
  'quiet',
  'conflicts-jump',
  'quarantine-jump',
  'store',
  'sequence',
] as const;
export type HealthReasonCode = (typeof HEALTH_REASONS)[number];

export const STORE_FAULT_CAUSES = [
  'disk-full',
  'read-only',
  'io',
  'damaged',
  'busy',
  'other',
] as const;

/**
 * Whether the store can save, for the banner and alerts: `cannot-save` (a full disk, a file
 * that cannot be written, an I/O error: retried, reading from the relay paused meanwhile) or
 * `damaged` (nothing more is written; the supervisor must restart). Plus relay sequences that
 * came out of order, and damaged files kept aside by an earlier start.
 */
export const storeHealthSchema = z.object({
  state: z.enum(['ok', 'cannot-save', 'damaged']),
  cause: z.enum(STORE_FAULT_CAUSES).nullable(),
  /** One line: "Cannot save — disk full (1,234 check-ins waiting)". Null while ok. */
  title: z.string().nullable(),
  /** What the supervisor should do. */
  action: z.string().nullable(),
  /** The error as the store reported it. */
  detail: z.string().nullable(),
  since: ms.nullable(),
  /** Check-ins received and not saved yet (the relay holds the rest). */
  waiting: count,
  nextRetryAt: ms.nullable(),
  /** Relay messages whose sequence did not sort after the one before (counted, not trusted). */
  sequenceAnomalies: count,
  /** Damaged database files kept aside (never deleted), newest first. */
  keptAside: z.array(z.string()),
  /**
   * SQLite's check of the file in the background: the full integrity check after an unclean
   * shutdown, the quick check of a file too big to check before opening. Null: none ran.
   * `unknown`: the check could not run (no verdict).
   */
  check: z
    .object({
      kind: z.enum(['quick', 'full']),
      state: z.enum(['running', 'ok', 'damaged', 'unknown']),
      /** When it started, or when it ended once it has. */
      at: ms,
    })
    .nullable(),
});
export type StoreHealth = z.infer<typeof storeHealthSchema>;

export const STORE_OK: StoreHealth = {
  state: 'ok',
  cause: null,
  title: null,
  action: null,
  detail: null,
  since: null,
  waiting: 0,
  nextRetryAt: null,
  sequenceAnomalies: 0,
  keptAside: [],
  check: null,
};

export const healthSchema = z.object({
  /** warn: something the supervisor should know; bad: data is being lost or cannot be saved. */
  tone: z.enum(['good', 'warn', 'bad']),
  reasons: z.array(z.object({ code: z.enum(HEALTH_REASONS), text: z.string() })),
  /** Receive time of the newest stored check-in. */
  lastStoredAt: ms.nullable(),
  /** After a reconnect, for a while: what it caught up. */
  catchUp: z.object({ since: ms, count }).nullable(),
  totals: z.object({ redelivered: count, conflicts: count, quarantined: count }),
  /** Whether the store can save (absent: the host does not report it). */
  store: storeHealthSchema.optional(),
  computedAt: ms,
});
export type Health = z.infer<typeof healthSchema>;

export const outagesSchema = z.object({
  /** Newest first. */
  outages: z.array(outageSchema),
  total: count,
});
export type Outages = z.infer<typeof outagesSchema>;

const outagesRequest = z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict();

export const statusChannels = {
  'status:health': query(z.object({}).strict(), healthSchema),
  'status:health-watch': subscription(z.object({}).strict(), healthSchema),
  'status:outages': query(outagesRequest, outagesSchema),
  'status:outages-watch': subscription(outagesRequest, outagesSchema),
  /** Reconnect to the relay now instead of waiting (after fixing a token, say). */
  'status:retry-relay': query(z.object({}).strict(), z.object({ retried: z.boolean() })),
};

export const statusMethods = {
  getHealth: { kind: 'query', channel: 'status:health' },
  watchHealth: { kind: 'subscription', channel: 'status:health-watch' },
  getOutages: { kind: 'query', channel: 'status:outages' },
  watchOutages: { kind: 'subscription', channel: 'status:outages-watch' },
  retryRelay: { kind: 'query', channel: 'status:retry-relay' },
} as const;
