/** Relay link status as the supervisor sees it: live, reconnecting (attempt, next try), offline since. */
import { z } from 'zod';
import { query, subscription } from '../define';

export const RELAY_STATES = ['connecting', 'live', 'reconnecting', 'offline', 'stopped'] as const;

export const relayStatusSchema = z.object({
  state: z.enum(RELAY_STATES),
  /** The data comes from the built-in simulator, not a real relay. */
  demo: z.boolean(),
  /** Relay URL without credentials; null when none is configured. */
  url: z.string().nullable(),
  /** Reconnect attempt number (1 = first retry), when reconnecting. */
  attempt: z.number().int().nonnegative().optional(),
  /** When the next connection attempt is due (ms). */
  nextRetryAt: z.number().int().nonnegative().optional(),
  /** When the link was last lost (ms), while not live. */
  offlineSince: z.number().int().nonnegative().optional(),
  /** When the link last became live (ms). */
  liveSince: z.number().int().nonnegative().optional(),
  /** When the last message arrived over the link (ms). */
  lastMessageAt: z.number().int().nonnegative().optional(),
  /** The last error, readable. */
  lastError: z.string().optional(),
  /** The relay refused our token: nothing arrives until it is changed and the link retried. */
  authFailed: z.boolean().optional(),
  /** The relay keeps sending a message this app cannot read: not retrying until asked. */
  stalled: z.boolean().optional(),
  /**
   * This laptop has no relay link of its own (`--no-relay`, or NATS only): its data arrives over
   * venue sync. The state is then `stopped` (no outage, no relay alert).
   */
  disabled: z.boolean().optional(),
});
export type RelayStatus = z.infer<typeof relayStatusSchema>;

export const relayChannels = {
  'relay:status': query(z.object({}).strict(), relayStatusSchema),
  /** Emits the status at once, then on every change. */
  'relay:status-watch': subscription(z.object({}).strict(), relayStatusSchema),
};

export const relayMethods = {
  getRelayStatus: { kind: 'query', channel: 'relay:status' },
  watchRelayStatus: { kind: 'subscription', channel: 'relay:status-watch' },
} as const;
