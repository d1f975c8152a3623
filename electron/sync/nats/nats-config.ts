/**
 * What a laptop needs to sync over NATS: the servers, the venue, how to authenticate and which CA
 * to trust. Parsed and checked before anything connects, so a mistake is one clear message.
 * Secrets never sit in the URL (it is printed and shows in the process list): a password comes
 * from an owner-only file or `GATE_OPS_NATS_PASSWORD`, creds and nkey seeds from owner-only files.
 */
import {
  NatsServersError,
  natsSyncSettingsSchema,
  parseNatsServers,
  type NatsSyncSettings,
} from '../../../shared/nats-sync';
import { checkVenueId } from './venue-naming';

export type NatsAuthConfig =
  | { readonly kind: 'none' }
  | { readonly kind: 'user'; readonly user: string; readonly passwordFile?: string }
  | { readonly kind: 'creds'; readonly credsFile?: string }
  | { readonly kind: 'nkey'; readonly seedFile?: string };

export interface NatsSyncConfig {
  /** nats:// or tls:// URLs, tried in turn (a cluster's nodes, or the venue leaf node). */
  readonly servers: readonly string[];
  /**
   * `venue`: replicate this venue's collections both ways through its stream.
   * `central`: the operations centre; reads the union of `venues` from the central stream.
   */
  readonly role: 'venue' | 'central';
  /** The venue (event) id; for `central`, the venues to aggregate. */
  readonly venues: readonly string[];
  readonly auth: NatsAuthConfig;
  /** PEM file of the CA that signed the servers' certificates. */
  readonly caFile?: string;
  /** Replicas when this laptop has to create the stream (3 on a 3-node cluster). */
  readonly replicas?: number;
}

export class NatsConfigError extends Error {
  override readonly name = 'NatsConfigError';
}

/** Splits `--sync-nats` (comma-separated URLs) and refuses credentials inside them. */
export function parseServerUrls(value: string): string[] {
  try {
    return parseNatsServers(value);
  } catch (error) {
    if (error instanceof NatsServersError)
      throw new NatsConfigError(`NATS servers: ${error.message}`);
    throw error;
  }
}

export interface NatsSyncConfigInput {
  readonly url: string;
  readonly venue?: string | undefined;
  readonly central?: readonly string[] | undefined;
  readonly user?: string | undefined;
  readonly passwordFile?: string | undefined;
  readonly credsFile?: string | undefined;
  readonly nkeyFile?: string | undefined;
  readonly caFile?: string | undefined;
  readonly replicas?: number | undefined;
}

/** A venue id as given, or a NatsConfigError saying what is wrong with it. */
function venueId(venue: string): string {
  try {
    return checkVenueId(venue);
  } catch (error) {
    throw new NatsConfigError((error as Error).message);
  }
}

export function buildNatsSyncConfig(input: NatsSyncConfigInput): NatsSyncConfig {
  const servers = parseServerUrls(input.url);
  const central = input.central?.length ? input.central.map(venueId) : null;
  if (central && input.venue) {
    throw new NatsConfigError(
      'use either --sync-nats-venue (a venue laptop) or --sync-nats-central (the operations centre)',
    );
  }
  if (!central && !input.venue) {
    throw new NatsConfigError(
      '--sync-nats needs --sync-nats-venue ID (the venue or event id: it names the stream)',
    );
  }
  const authKinds = [input.user, input.credsFile, input.nkeyFile].filter(Boolean).length;
  if (authKinds > 1) {
    throw new NatsConfigError(
      'choose one NATS authentication: --sync-nats-user, --sync-nats-creds or --sync-nats-nkey',
    );
  }
  if (input.passwordFile && !input.user) {
    throw new NatsConfigError('--sync-nats-password-file needs --sync-nats-user');
  }
  const auth: NatsAuthConfig = input.user
    ? {
        kind: 'user',
        user: input.user,
        ...(input.passwordFile ? { passwordFile: input.passwordFile } : {}),
      }
    : input.credsFile
      ? { kind: 'creds', credsFile: input.credsFile }
      : input.nkeyFile
        ? { kind: 'nkey', seedFile: input.nkeyFile }
        : { kind: 'none' };
  if (
    input.replicas !== undefined &&
    (!Number.isInteger(input.replicas) || input.replicas < 1 || input.replicas > 5)
  ) {
    throw new NatsConfigError('--sync-nats-replicas must be 1 to 5');
  }
  return {
    servers,
    role: central ? 'central' : 'venue',
    venues: central ?? [venueId(input.venue!)],
    auth,
    ...(input.caFile ? { caFile: input.caFile } : {}),
    ...(input.replicas ? { replicas: input.replicas } : {}),
  };
}

/** The configuration Settings describe (checked again: a stored value may predate a rule). */
export function natsConfigFromSettings(settings: NatsSyncSettings): NatsSyncConfig {
  const checked = natsSyncSettingsSchema.safeParse(settings);
  if (!checked.success) {
    const first = checked.error.issues[0]!;
    throw new NatsConfigError(`NATS sync settings: ${first.path.join('.')}: ${first.message}`);
  }
  const s = checked.data;
  // Settings keep the password, creds and seed in the secret store: no file is named here.
  const auth: NatsAuthConfig =
    s.auth === 'user' ? { kind: 'user', user: s.user.trim() } : { kind: s.auth };
  return {
    servers: parseServerUrls(s.servers),
    role: s.role,
    venues: s.role === 'central' ? s.centralVenues.map(venueId) : [venueId(s.venue)],
    auth,
    ...(s.caFile ? { caFile: s.caFile } : {}),
    ...(s.replicas > 1 ? { replicas: s.replicas } : {}),
  };
}
