/**
 * Settings channels. The relay token is write-only from the renderer: `settings:get` says only
 * whether one is set and where it comes from, never its value. Updates are partial patches
 * validated against the same bounds as shared/settings.ts (the defaults are stripped so a patch
 * never resets a field it does not mention).
 */
import { z } from 'zod';
import {
  capacitySchema,
  displaySchema,
  notificationsSchema,
  settingsSchema,
  thresholdsSchema,
} from '../../settings';
import { natsSecretSchema, natsSyncSettingsSchema, NATS_SECRET_KINDS } from '../../nats-sync';
import { timeZoneProblem } from '../../time-zones';
import { query, subscription } from '../define';

const t = thresholdsSchema.shape;
const d = displaySchema.shape;

export const thresholdsPatchSchema = z
  .object({
    deviceIdleMinutes: t.deviceIdleMinutes.unwrap().optional(),
    sessionEndMinutes: t.sessionEndMinutes.unwrap().optional(),
    uploadLagSeconds: t.uploadLagSeconds.unwrap().optional(),
    relayDownSeconds: t.relayDownSeconds.unwrap().optional(),
    busyGatePerMinute: t.busyGatePerMinute.unwrap().optional(),
    quietMinutes: t.quietMinutes.unwrap().optional(),
  })
  .strict();

export const displayPatchSchema = z
  .object({
    timezone: d.timezone
      .unwrap()
      .superRefine((name, ctx) => {
        const problem = timeZoneProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    theme: d.theme.unwrap().optional(),
  })
  .strict();

export const notificationsPatchSchema = z
  .object({
    desktop: notificationsSchema.shape.desktop.unwrap().optional(),
    sound: notificationsSchema.shape.sound.unwrap().optional(),
  })
  .strict();

/** A partial change to the settings; absent fields keep their current value. */
export const settingsPatchSchema = z
  .object({
    relayUrl: settingsSchema.shape.relayUrl.unwrap().optional(),
    thresholds: thresholdsPatchSchema.optional(),
    display: displayPatchSchema.optional(),
    notifications: notificationsPatchSchema.optional(),
    /** Replaces the expected attendance as a whole (Settings edits it, or a CSV import). */
    capacity: capacitySchema.optional(),
    /** Replaces the NATS sync settings as a whole (the Settings view sends them complete). */
    natsSync: natsSyncSettingsSchema.optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Where the relay token lives; it is never sent to the renderer. */
export const TOKEN_SOURCES = ['secure-storage', 'env', 'file', 'command-line', 'none'] as const;
export type TokenSource = (typeof TOKEN_SOURCES)[number];

export const relayTokenStatusSchema = z.object({
  isSet: z.boolean(),
  source: z.enum(TOKEN_SOURCES),
  /** False when the renderer cannot set or clear it here (no OS encryption, or set by env). */
  canChange: z.boolean(),
  /** A sentence for the user when something limits the token (why it cannot be saved, …). */
  note: z.string().optional(),
});
export type RelayTokenStatus = z.infer<typeof relayTokenStatusSchema>;

/** The NATS password, creds or nkey seed: whether one is saved and which kind, never its value. */
export const natsSecretStatusSchema = z.object({
  isSet: z.boolean(),
  kind: z.enum(NATS_SECRET_KINDS).nullable(),
  source: z.enum(TOKEN_SOURCES),
  canChange: z.boolean(),
  note: z.string().optional(),
});
export type NatsSecretStatus = z.infer<typeof natsSecretStatusSchema>;

export const settingsViewSchema = z.object({
  settings: settingsSchema,
  relayToken: relayTokenStatusSchema,
  natsSecret: natsSecretStatusSchema,
  /**
   * Set when this run syncs over NATS as its command line says (`--sync-nats…`), which wins over
   * `settings.natsSync`: a sentence saying so and when the saved settings apply.
   */
  natsSyncNote: z.string().optional(),
  /**
   * Set when this run connects to a relay given on its command line (headless `--relay`), which
   * wins over `settings.relayUrl`: a sentence saying which relay is in use and when the saved one
   * applies.
   */
  relayUrlNote: z.string().optional(),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

/**
 * A bearer token goes into an HTTP header: visible ASCII only, no spaces. Never echoed back in
 * errors (the router reports paths and messages, not inputs).
 */
export const relayTokenSchema = z
  .string()
  .min(1, 'the token is empty')
  .max(4096, 'the token is too long')
  .regex(/^[\x21-\x7e]+$/, 'the token must be printable ASCII without spaces');

export const expectedImportResultSchema = z.object({
  fileName: z.string(),
  /** Unique tickets (per event) read. */
  tickets: z.number().int().nonnegative(),
  events: z.record(z.string(), z.number().int().nonnegative()),
  gates: z.record(z.string(), z.number().int().nonnegative()),
  /** The same ticket of the same event listed again (counted once). */
  duplicates: z.number().int().nonnegative(),
  /** Rows without a ticket or event id. */
  skipped: z.number().int().nonnegative(),
  /** The first few skipped rows, with their line. */
  problems: z.array(z.string()),
});
export type ExpectedImportResult = z.infer<typeof expectedImportResultSchema>;

/** One part of a CSV of expected tickets (a file arrives in parts of at most 512 K characters). */
export const expectedImportRequestSchema = z
  .object({
    /** Absent on the first part; then the id the first part returned. */
    importId: z.string().max(64).optional(),
    fileName: z.string().min(1).max(256),
    text: z.string().max(512 * 1024),
    /** The last part: parse the rest, save the expected attendance, return the counts. */
    done: z.boolean(),
  })
  .strict();

export const settingsChannels = {
  'settings:import-expected': query(
    expectedImportRequestSchema,
    z.object({
      importId: z.string(),
      result: expectedImportResultSchema.nullable(),
      view: settingsViewSchema.nullable(),
    }),
  ),
  'settings:get': query(z.object({}).strict(), settingsViewSchema),
  'settings:update': query(z.object({ patch: settingsPatchSchema }).strict(), settingsViewSchema),
  'settings:set-token': query(z.object({ token: relayTokenSchema }).strict(), settingsViewSchema),
  'settings:clear-token': query(z.object({}).strict(), settingsViewSchema),
  /** The NATS secret: write-only, like the relay token. */
  'settings:set-nats-secret': query(natsSecretSchema, settingsViewSchema),
  'settings:clear-nats-secret': query(z.object({}).strict(), settingsViewSchema),
  /** Emits the current view at once, then after every change (from any window). */
  'settings:changes': subscription(z.object({}).strict(), settingsViewSchema),
};

export const settingsMethods = {
  importExpectedTickets: { kind: 'query', channel: 'settings:import-expected' },
  getSettings: { kind: 'query', channel: 'settings:get' },
  updateSettings: { kind: 'query', channel: 'settings:update' },
  setRelayToken: { kind: 'query', channel: 'settings:set-token' },
  clearRelayToken: { kind: 'query', channel: 'settings:clear-token' },
  setNatsSecret: { kind: 'query', channel: 'settings:set-nats-secret' },
  clearNatsSecret: { kind: 'query', channel: 'settings:clear-nats-secret' },
  onSettingsChanged: { kind: 'subscription', channel: 'settings:changes' },
} as const;
