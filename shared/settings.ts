/**
 * User settings, stored with the data (the `state` collection, document `settings`). The relay
 * token is a secret and is never part of this object: see electron/settings.
 */
import { z } from 'zod';
import { natsSyncSettingsSchema } from './nats-sync';
import { urlCredentials } from './redact';

export const thresholdsSchema = z.object({
  /** A device with no scan for this long, while its gate still has traffic, is idle. */
  deviceIdleMinutes: z.number().min(1).max(240).default(5),
  /** A session with no scan for this long is presumed ended. */
  sessionEndMinutes: z.number().min(5).max(1440).default(30),
  /** Upload lag (received minus checked-in) above this flags a device buffering offline. */
  uploadLagSeconds: z.number().min(10).max(86_400).default(120),
  /** The relay link down for this long raises an alert. */
  relayDownSeconds: z.number().min(5).max(3600).default(30),
  /** A gate scanning at least this many per minute (last 5 min) is busy: an idle device there is critical. */
  busyGatePerMinute: z.number().min(1).max(1000).default(5),
  /** Connected but nothing new stored for this long: the banner turns amber and says so. */
  quietMinutes: z.number().min(0.25).max(240).default(10),
});

export const displaySchema = z.object({
  /**
   * 'venue' (the zone the events give, else this computer's), 'local', or an IANA zone such as
   * 'Europe/Berlin'. Checked on every change (shared/time-zones.ts); a stored name the runtime no
   * longer knows shows local time.
   */
  timezone: z.string().min(1).max(64).default('venue'),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
});

export const notificationsSchema = z.object({
  /** Critical alerts raise a desktop notification (the OS's own in the desktop app). */
  desktop: z.boolean().default(true),
  /** …and a short sound. */
  sound: z.boolean().default(false),
});

const expected = z.number().int().min(1).max(10_000_000);
const expectedMap = z
  .record(z.string().max(128), expected)
  .refine((m) => Object.keys(m).length <= 2000, 'at most 2,000 entries');

export const capacitySchema = z.object({
  /** Event id → expected attendance (tickets). */
  events: expectedMap.default({}),
  /** Gate → expected attendance through it (optional). */
  gates: expectedMap.default({}),
  /** Where the figures came from when imported from a CSV of expected tickets. */
  source: z
    .object({
      fileName: z.string().max(256),
      tickets: z.number().int().nonnegative(),
      importedAt: z.number().int().nonnegative(),
    })
    .nullable()
    .default(null),
});

export const settingsSchema = z.object({
  /** ws:// or wss:// URL of the relay; null runs the built-in demo relay. */
  relayUrl: z
    .string()
    .regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL')
    .superRefine((url, ctx) => {
      // Settings are stored in plain text and shown back: a credential has no place in them.
      const found = urlCredentials(url);
      if (found !== null)
        ctx.addIssue({
          code: 'custom',
          message: `must not carry credentials (${found}): set the relay token in the token field`,
        });
    })
    .nullable()
    .default(null),
  /** "This laptop": its name in the venue's team list and as author of notes and acknowledgements. */
  laptopName: z.string().trim().max(80).default(''),
  thresholds: thresholdsSchema.prefault({}),
  display: displaySchema.prefault({}),
  notifications: notificationsSchema.prefault({}),
  capacity: capacitySchema.prefault({}),
  /** Venue sync over NATS JetStream (its password, creds or seed live in a secret store). */
  natsSync: natsSyncSettingsSchema.prefault({}),
});

export type Thresholds = z.infer<typeof thresholdsSchema>;
export type DisplaySettings = z.infer<typeof displaySchema>;
export type NotificationSettings = z.infer<typeof notificationsSchema>;
export type CapacitySettings = z.infer<typeof capacitySchema>;
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});
