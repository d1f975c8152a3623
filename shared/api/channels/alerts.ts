/** Alert channels: the open alerts for the supervisor, and acknowledging them (persisted). */
import { z } from 'zod';
import { query, subscription } from '../define';

export const ALERT_KINDS = [
  'relay-down',
  'relay-auth',
  'store-fault',
  'device-idle',
  'upload-lag',
  'reentry',
  'conflict',
  'quarantine',
] as const;
export const alertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof alertKindSchema>;

export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export const alertSeveritySchema = z.enum(ALERT_SEVERITIES);
export type AlertSeverity = z.infer<typeof alertSeveritySchema>;

/** One entry of a grouped alert's list (a re-entry of the group, a lagging device). */
export const alertItemSchema = z.object({
  label: z.string(),
  at: z.number().int().nonnegative().optional(),
  ticketId: z.string().optional(),
  deviceId: z.string().optional(),
});
export type AlertItem = z.infer<typeof alertItemSchema>;

export const alertVmSchema = z.object({
  /**
   * `kind:subject@since`, from the data only (the same alert has the same id on every laptop):
   * stable for one episode of a condition; the next episode has another `since`.
   */
  id: z.string().max(400),
  kind: alertKindSchema,
  severity: alertSeveritySchema,
  title: z.string(),
  detail: z.string(),
  /** When the condition started (ms). */
  since: z.number().int().nonnegative(),
  gate: z.string().optional(),
  deviceId: z.string().optional(),
  sessionId: z.string().optional(),
  ticketId: z.string().optional(),
  /** How many things the alert stands for (re-entries of a group, lagging devices). */
  count: z.number().int().nonnegative().optional(),
  /** The newest of them (at most 20); `count` says how many there are in all. */
  items: z.array(alertItemSchema).optional(),
  /** End of the period a grouped alert covers (ms, exclusive). */
  until: z.number().int().nonnegative().optional(),
  acknowledgedAt: z.number().int().nonnegative().nullable(),
  /** When its cause cleared (history); null while the condition holds. */
  clearedAt: z.number().int().nonnegative().nullable(),
});
export type AlertVm = z.infer<typeof alertVmSchema>;

export const alertsRequestSchema = z
  .object({ includeAcknowledged: z.boolean().default(false) })
  .strict();

export const alertsListSchema = z.object({
  /** Open first (newest first), then acknowledged when asked for. */
  alerts: z.array(alertVmSchema),
  openCount: z.number().int().nonnegative(),
  /** Open (unacknowledged) critical alerts: the window title shows this. */
  criticalCount: z.number().int().nonnegative(),
  /** Alerts not listed because the list is capped. */
  omitted: z.number().int().nonnegative(),
});
export type AlertsList = z.infer<typeof alertsListSchema>;

export const alertHistoryRequestSchema = z
  .object({
    offset: z.number().int().min(0).max(100_000).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

export const alertHistorySchema = z.object({
  /** Alerts whose cause cleared, newest first. */
  alerts: z.array(alertVmSchema),
  total: z.number().int().nonnegative(),
});
export type AlertHistory = z.infer<typeof alertHistorySchema>;

export const alertsChannels = {
  'alerts:history': query(alertHistoryRequestSchema, alertHistorySchema),
  'alerts:history-watch': subscription(alertHistoryRequestSchema, alertHistorySchema),
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
  getAlertHistory: { kind: 'query', channel: 'alerts:history' },
  watchAlertHistory: { kind: 'subscription', channel: 'alerts:history-watch' },
  listAlerts: { kind: 'query', channel: 'alerts:list' },
  watchAlerts: { kind: 'subscription', channel: 'alerts:watch' },
  acknowledgeAlerts: { kind: 'query', channel: 'alerts:acknowledge' },
  acknowledgeAllAlerts: { kind: 'query', channel: 'alerts:acknowledge-all' },
} as const;
