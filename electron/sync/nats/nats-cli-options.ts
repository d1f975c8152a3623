/**
 * The `--sync-nats…` options of `gate-ops headless` (parseArgs definitions, usage lines, and the
 * step from parsed values to a NatsSyncConfigInput), kept here so the command only spreads them.
 */
import { resolve } from 'node:path';
import { type NatsSyncConfigInput, NatsConfigError } from './nats-config';

export const NATS_CLI_OPTIONS = {
  'sync-nats': { type: 'string' },
  'sync-nats-venue': { type: 'string' },
  'sync-nats-central': { type: 'string' },
  'sync-nats-user': { type: 'string' },
  'sync-nats-password-file': { type: 'string' },
  'sync-nats-creds': { type: 'string' },
  'sync-nats-nkey': { type: 'string' },
  'sync-nats-ca': { type: 'string' },
  'sync-nats-replicas': { type: 'string' },
} as const;

export const NATS_CLI_USAGE = `  --sync-nats URL[,URL]  venue sync over NATS JetStream (nats:// or tls://; docs/sync.md)
  --sync-nats-venue ID   the venue (event) id: names the stream
  --sync-nats-central IDS  operations centre: read these venues (comma-separated)
  --sync-nats-user NAME  NATS user; password from --sync-nats-password-file F
                         (owner-only) or GATE_OPS_NATS_PASSWORD
  --sync-nats-creds F    NATS .creds file (owner-only)
  --sync-nats-nkey F     file with an nkey user seed (owner-only)
  --sync-nats-ca F       CA certificate (PEM) that signed the servers' certificates
  --sync-nats-replicas N replicas when this laptop creates the stream (3 on a cluster)`;

type Values = { readonly [K in keyof typeof NATS_CLI_OPTIONS]?: string | undefined };

/** Null without `--sync-nats`; a NatsConfigError for options given without it. */
export function natsInputFromArgs(values: Values, cwd: string): NatsSyncConfigInput | null {
  const url = values['sync-nats'];
  if (url === undefined) {
    const stray = (Object.keys(NATS_CLI_OPTIONS) as (keyof Values)[]).find(
      (k) => values[k] !== undefined,
    );
    if (stray) throw new NatsConfigError(`--${stray} needs --sync-nats URL`);
    return null;
  }
  const file = (f: string | undefined): string | undefined =>
    f === undefined ? undefined : resolve(cwd, f);
  const replicas = values['sync-nats-replicas'];
  return {
    url,
    venue: values['sync-nats-venue'],
    central: values['sync-nats-central']
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    user: values['sync-nats-user'],
    passwordFile: file(values['sync-nats-password-file']),
    credsFile: file(values['sync-nats-creds']),
    nkeyFile: file(values['sync-nats-nkey']),
    caFile: file(values['sync-nats-ca']),
    replicas: replicas === undefined ? undefined : Number(replicas),
  };
}
