/** Alert channels: the open alerts for the supervisor, and acknowledging them (persisted). */
import { z } from 'zod';
import { query, subscription } from '../define';

export const ALERT_KINDS = [
  'device-idle',
  'reentry',
  'quarantine',
  'upload-lag',
  'relay-down',
] as const;
export const alertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof alertKindSchema>;

export const alertVmSchema = z.object({
  /** Stable for one episode of a condition: acknowledging it silences that episode only. */
  id: z.string().max(400),
  kind: alertKindSchema,
  severity: z.enum(['warning', 'critical', 'info']),
  title: z.string(),
  detail: z.string(),
  /** When the condition started (ms). */
  since: z.number().int().nonnegative(),
  gate: z.string().optional(),
  deviceId: z.string().optional(),
  sessionId: z.string().optional(),
  ticketId: z.string().optional(),
  acknowledgedAt: z.number().int().nonnegative().nullable(),
});
export type AlertVm = z.infer<typeof alertVmSchema>;

export const alertsRequestSchema = z
  .object({ includeAcknowledged: z.boolean().default(false) })
  .strict();

export const alertsListSchema = z.object({
  /** Open first (newest first), then acknowledged when asked for. */
  alerts: z.array(alertVmSchema),
  openCount: z.number().int().nonnegative(),
  /** Alerts not listed because the list is capped. */
  omitted: z.number().int().nonnegative(),
});
export type AlertsList = z.infer<typeof alertsListSchema>;

export const alertsChannels = {
  'alerts:list': query(alertsRequestSchema, alertsListSchema),
  'alerts:watch': subscription(alertsRequestSchema, alertsListSchema),
  'alerts:acknowledge': query(
    z.object({ ids: z.array(z.string().max(400)).min(1).max(1000) }).strict(),
    z.object({ acknowledged: z.number().int().nonnegative() }),
  ),
  'alerts:acknowledge-all': query(
    z.object({}).strict(),
    z.object({ acknowledged: z.number().int().nonnegative() }),
  ),
};

export const alertsMethods = {
  listAlerts: { kind: 'query', channel: 'alerts:list' },
  watchAlerts: { kind: 'subscription', channel: 'alerts:watch' },
  acknowledgeAlerts: { kind: 'query', channel: 'alerts:acknowledge' },
  acknowledgeAllAlerts: { kind: 'query', channel: 'alerts:acknowledge-all' },
} as const;
