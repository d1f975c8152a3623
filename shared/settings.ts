/**
 * User settings, stored with the data (the `state` collection, document `settings`). The relay
 * token is a secret and is never part of this object: see electron/settings.
 */
import { z } from 'zod';

export const thresholdsSchema = z.object({
  /** A device with no scan for this long, while its gate still has traffic, is idle. */
  deviceIdleMinutes: z.number().min(1).max(240).default(5),
  /** A session with no scan for this long is presumed ended. */
  sessionEndMinutes: z.number().min(5).max(1440).default(30),
  /** Upload lag (received minus checked-in) above this flags a device buffering offline. */
  uploadLagSeconds: z.number().min(10).max(86_400).default(120),
  /** The relay link down for this long raises an alert. */
  relayDownSeconds: z.number().min(5).max(3600).default(30),
});

export const displaySchema = z.object({
  /** 'local' or an IANA zone such as 'Europe/Berlin'. */
  timezone: z.string().min(1).max(64).default('local'),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
});

export const settingsSchema = z.object({
  /** ws:// or wss:// URL of the relay; null runs the built-in demo relay. */
  relayUrl: z
    .string()
    .regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL')
    .nullable()
    .default(null),
  thresholds: thresholdsSchema.prefault({}),
  display: displaySchema.prefault({}),
});

export type Thresholds = z.infer<typeof thresholdsSchema>;
export type DisplaySettings = z.infer<typeof displaySchema>;
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});
