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

export const HEALTH_REASONS = ['quiet', 'conflicts-jump', 'quarantine-jump', 'store'] as const;
export type HealthReasonCode = (typeof HEALTH_REASONS)[number];

export const healthSchema = z.object({
  /** warn: something the supervisor should know; bad: data is being lost or cannot be saved. */
  tone: z.enum(['good', 'warn', 'bad']),
  reasons: z.array(z.object({ code: z.enum(HEALTH_REASONS), text: z.string() })),
  /** Receive time of the newest stored check-in. */
  lastStoredAt: ms.nullable(),
  /** After a reconnect, for a while: what it caught up. */
  catchUp: z.object({ since: ms, count }).nullable(),
  totals: z.object({ redelivered: count, conflicts: count, quarantined: count }),
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
