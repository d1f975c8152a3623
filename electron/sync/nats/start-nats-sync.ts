/**
 * Starting NATS sync for a running core: the checks that come before any connection (the demo
 * never syncs; the configuration and secrets are read and checked), then NatsSync itself.
 */
import type { Clock } from '../../relay';
import { buildNatsSyncConfig, NatsConfigError, type NatsSyncConfigInput } from './nats-config';
import { readNatsSecret } from './nats-secrets';
import { NatsSync } from './nats-sync';
import type { SyncCollection } from './sync-collection';

export interface StartNatsSyncOptions {
  readonly input: NatsSyncConfigInput;
  readonly env: NodeJS.ProcessEnv;
  readonly collections: readonly SyncCollection[];
  /** True when the core shows the built-in demo: simulated check-ins must not reach a venue. */
  readonly simulated: boolean;
  readonly laptop: { readonly id: string; readonly name: string };
  readonly log: (line: string) => void;
  readonly clock?: Clock;
}

export async function startNatsSync(o: StartNatsSyncOptions): Promise<NatsSync> {
  const config = buildNatsSyncConfig(o.input);
  if (o.simulated) {
    throw new NatsConfigError(
      'NATS sync does not run on the demo relay (its simulated check-ins would reach the venue): give --relay, or --no-relay',
    );
  }
  const secret = await readNatsSecret(config.auth, o.env);
  const sync = new NatsSync({
    config,
    secret,
    collections: o.collections,
    laptop: o.laptop,
    log: o.log,
    ...(o.clock ? { clock: o.clock } : {}),
  });
  const where =
    config.role === 'central'
      ? `the operations centre for ${config.venues.join(', ')}`
      : `venue ${config.venues[0]}`;
  o.log(`NATS sync: ${where} via ${config.servers.join(', ')}`);
  sync.start();
  return sync;
}
