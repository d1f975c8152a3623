/**
 * Venue sync over NATS JetStream as Settings hold it, and the checks every side shares (the
 * Settings view, the settings service, the command line, the sync itself): server URLs without
 * credentials, venue ids that name a stream, and what a password, a creds file or an nkey seed
 * must look like. The secret itself is never part of the settings: it goes to a secret store.
 * Pure (no node, electron or DOM imports).
 */
import { z } from 'zod';

const VENUE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Null when `venue` can name a venue's stream, else why not. */
export function venueIdProblem(venue: string): string | null {
  return VENUE_ID.test(venue.trim())
    ? null
    : `the venue id ${JSON.stringify(venue)} must be 1–64 letters, digits, "-" or "_", starting with a letter or digit`;
}

export class NatsServersError extends Error {
  override readonly name = 'NatsServersError';
}

/**
 * Comma-separated nats:// or tls:// URLs (a bare host:port gets nats://), normalised to
 * scheme://host:port. Throws NatsServersError: no URL, another scheme, credentials in it.
 */
export function parseNatsServers(value: string): string[] {
  const urls = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (urls.length === 0) throw new NatsServersError('needs a server URL (nats://host:4222)');
  return urls.map((raw) => {
    const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `nats://${raw}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw new NatsServersError(
        `${JSON.stringify(raw)} is not a NATS server URL (nats://host:4222)`,
      );
    }
    if (!['nats:', 'tls:'].includes(url.protocol)) {
      throw new NatsServersError(
        `${JSON.stringify(raw)}: use nats:// or tls:// (got ${url.protocol}//)`,
      );
    }
    // Checked before anything is shown: the URL is printed, stored and in the process list.
    if (url.username || url.password) {
      throw new NatsServersError(
        'do not put credentials in the NATS URL; give a user and password, a creds file or an nkey seed instead',
      );
    }
    if (!url.hostname) throw new NatsServersError(`${JSON.stringify(raw)} has no host`);
    return `${url.protocol}//${url.host}`;
  });
}

/** How this laptop proves who it is to the NATS servers. */
export const NATS_AUTH_KINDS = ['none', 'user', 'creds', 'nkey'] as const;
export type NatsAuthKind = (typeof NATS_AUTH_KINDS)[number];

/** The secret each way of authenticating needs. */
export const NATS_SECRET_KINDS = ['password', 'creds', 'nkey'] as const;
export type NatsSecretKind = (typeof NATS_SECRET_KINDS)[number];

export function secretKindFor(auth: NatsAuthKind): NatsSecretKind | null {
  return auth === 'user' ? 'password' : auth === 'none' ? null : auth;
}

export const NATS_SECRET_MAX_CHARS = 16 * 1024;
const NKEY_USER_SEED = /^SU[A-Z2-7]{56}$/;

/** The nkey user seed (SU…) in a seed file's or a pasted text, or null. */
export function findNkeySeed(text: string): string | null {
  return text.split(/\s+/).find((w) => NKEY_USER_SEED.test(w)) ?? null;
}

/** Null when `text` can be this kind of secret, else why not (never quoting it). */
export function natsSecretProblem(kind: NatsSecretKind, text: string): string | null {
  if (text.trim() === '') return 'is empty';
  if (text.length > NATS_SECRET_MAX_CHARS) return 'is too long';
  switch (kind) {
    case 'password':
      return text.length > 1024 ? 'is too long for a password' : null;
    case 'creds':
      return text.includes('-----BEGIN NATS USER JWT-----') &&
        text.includes('-----BEGIN USER NKEY SEED-----')
        ? null
        : 'holds no user JWT and seed (a .creds file from nsc or your NATS operator)';
    case 'nkey':
      return findNkeySeed(text) ? null : 'holds no nkey user seed (SU…)';
  }
}

export const natsSecretSchema = z
  .object({
    kind: z.enum(NATS_SECRET_KINDS),
    value: z.string().max(NATS_SECRET_MAX_CHARS),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = natsSecretProblem(s.kind, s.value);
    if (problem)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `the ${s.kind} ${problem}` });
  });
export type NatsSecretValue = z.infer<typeof natsSecretSchema>;

/**
 * The NATS part of Settings. Off until `enabled`; while off, half-filled values may be saved.
 * Whole-section: the Settings view sends it complete.
 */
export const natsSyncSettingsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Comma-separated nats:// or tls:// URLs: a cluster's nodes, or the venue's leaf node. */
    servers: z.string().max(2000).default(''),
    /** `venue`: sync this venue both ways. `central`: the operations centre, reads venues. */
    role: z.enum(['venue', 'central']).default('venue'),
    venue: z.string().max(64).default(''),
    centralVenues: z.array(z.string().max(64)).max(200).default([]),
    auth: z.enum(NATS_AUTH_KINDS).default('none'),
    user: z.string().max(256).default(''),
    /** PEM file of the CA that signed the servers' certificates (a path on this computer). */
    caFile: z.string().max(4096).default(''),
    /** Replicas when this laptop creates the venue stream (3 on a 3-node cluster). */
    replicas: z.number().int().min(1).max(5).default(1),
  })
  .superRefine((s, ctx) => {
    const issue = (path: string, message: string): void =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (s.servers.trim() !== '' || s.enabled) {
      try {
        parseNatsServers(s.servers);
      } catch (error) {
        issue('servers', (error as Error).message);
      }
    }
    if (!s.enabled) return;
    if (s.role === 'venue') {
      const problem = venueIdProblem(s.venue);
      if (problem) issue('venue', s.venue.trim() === '' ? 'give the venue (event) id' : problem);
    } else {
      if (s.centralVenues.length === 0) issue('centralVenues', 'list the venues to read');
      for (const v of s.centralVenues) {
        const problem = venueIdProblem(v);
        if (problem) issue('centralVenues', problem);
      }
    }
    if (s.auth === 'user' && s.user.trim() === '') issue('user', 'give the NATS user name');
    if (s.caFile !== '' && !/^([A-Za-z]:)?[\\/]/.test(s.caFile)) {
      issue('caFile', 'give the full path of the CA file');
    }
  });
export type NatsSyncSettings = z.infer<typeof natsSyncSettingsSchema>;
