/**
 * NATS sync next to a running core (headless mode attaches it like the UI server): the synced
 * collections, this laptop's identity (the venue-sync one: one id and name on both transports), the
 * status written to `state` as `nats-sync` (throttled) so `gate-ops stats` and the UI can read it.
 */
import type { GateOpsDatabase } from '../../db';
import type { NatsSyncConfigInput } from './nats-config';
import type { NatsSync, NatsSyncStatus } from './nats-sync';
import { natsSyncCollections } from './nats-sync-collections';
import { startNatsSync } from './start-nats-sync';

export const NATS_STATUS_STATE_ID = 'nats-sync';
const STATUS_WRITE_MS = 2000;

/** One line for the supervisor per state change of the link. */
export function describeNatsStatus(s: NatsSyncStatus): string {
  const l = s.link;
  switch (l.state) {
    case 'connected':
      return `NATS sync: connected (${l.server}, stream ${s.stream ?? '…'})`;
    case 'connecting':
      return `NATS sync: connecting (attempt ${l.attempt})`;
    case 'reconnecting':
      return 'NATS sync: reconnecting (data keeps arriving from this laptop’s own link; pushes wait)';
    case 'unreachable':
    case 'refused':
    case 'failed':
      return `NATS sync: ${l.state.toUpperCase()}: ${l.reason}; next try ${new Date(l.retryAt).toISOString()}`;
    case 'stopped':
      return 'NATS sync: stopped';
  }
}

/** Each venue's freshness in one line (the operations centre prints it every half minute). */
export function describeVenues(s: NatsSyncStatus, now: number): string {
  const parts = s.venuesSeen.map((v) => {
    if (v.asOf === null) return `${v.venue}: nothing heard yet`;
    const ago = Math.max(0, Math.round((now - v.asOf) / 1000));
    const laptops = `${v.laptops.length} laptop${v.laptops.length === 1 ? '' : 's'}`;
    return `${v.venue}: as of ${new Date(v.asOf).toISOString()} (${ago} s ago, ${laptops})`;
  });
  return `NATS sync venues: ${parts.join('; ') || 'none'}`;
}

const VENUE_LINE_MS = 30_000;

export interface AttachedNatsSync {
  readonly sync: NatsSync;
  close(): Promise<void>;
}

export async function attachNatsSync(args: {
  readonly db: GateOpsDatabase;
  readonly simulated: boolean;
  readonly input: NatsSyncConfigInput;
  readonly env: NodeJS.ProcessEnv;
  /** The laptop's venue-sync id and name (author of its presence). */
  readonly laptop: { readonly id: string; readonly name: string };
  readonly log: (line: string) => void;
}): Promise<AttachedNatsSync> {
  const collections = natsSyncCollections(args.db);
  const sync = await startNatsSync({
    input: args.input,
    env: args.env,
    collections,
    simulated: args.simulated,
    laptop: args.laptop,
    log: args.log,
  });
  let lastLine = '';
  let timer: NodeJS.Timeout | null = null;
  let writing = Promise.resolve();
  const write = (): void => {
    timer = null;
    const status = sync.status$.value;
    writing = writing
      .then(() =>
        args.db.state.upsert({
          id: NATS_STATUS_STATE_ID,
          value: JSON.parse(JSON.stringify(status)) as Record<string, unknown>,
          updatedAt: Date.now(),
        }),
      )
      .then(
        () => undefined,
        () => undefined,
      );
  };
  const sub = sync.status$.subscribe((s) => {
    const line = describeNatsStatus(s);
    if (line !== lastLine) args.log(line);
    lastLine = line;
    timer ??= setTimeout(write, STATUS_WRITE_MS);
  });
  // The operations centre states each venue's freshness on its own, not only when asked.
  const venueTimer =
    sync.status$.value.role === 'central'
      ? setInterval(() => args.log(describeVenues(sync.status$.value, Date.now())), VENUE_LINE_MS)
      : null;
  return {
    sync,
    async close() {
      if (venueTimer) clearInterval(venueTimer);
      sub.unsubscribe();
      if (timer) clearTimeout(timer);
      await sync.stop();
      write();
      await writing;
    },
  };
}
