/**
 * NATS sync's state in words and in the view model: one line per link change for the log and
 * stderr, each venue's freshness in one line, and the `nats` part of the sync status the Team
 * view, the Settings view and `gate-ops stats` read.
 */
import type { NatsSyncView } from '../../../shared/api/channels/sync';
import type { NatsSyncConfig } from './nats-config';
import type { NatsSyncStatus } from './nats-sync';

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
    case 'stream-missing':
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

export type NatsViewSource = NatsSyncView['source'];

/** The view of a running NATS sync. */
export function natsSyncView(
  s: NatsSyncStatus,
  config: NatsSyncConfig,
  source: NatsViewSource,
): NatsSyncView {
  const l = s.link;
  const link: NatsSyncView['link'] =
    l.state === 'connecting'
      ? { state: 'connecting', since: null }
      : l.state === 'connected'
        ? { state: 'connected', since: l.since, server: l.server }
        : l.state === 'reconnecting'
          ? { state: 'reconnecting', since: l.since }
          : l.state === 'stopped'
            ? { state: 'stopped', since: null }
            : { state: l.state, since: l.since, reason: l.reason, retryAt: l.retryAt };
  const collections: NatsSyncView['collections'] = {};
  for (const [name, c] of Object.entries(s.collections)) {
    collections[name] = {
      pulled: c.pulled,
      pushed: c.pushed,
      rejected: c.rejected,
      lastPullAt: c.lastPullAt,
      error: c.error,
    };
  }
  return {
    source,
    role: s.role,
    venues: [...s.venues],
    servers: [...config.servers],
    stream: s.stream,
    link,
    collections,
    venuesSeen: s.venuesSeen.map((v) => ({
      venue: v.venue,
      asOf: v.asOf,
      laptops: v.laptops.map((p) => ({
        laptopId: p.laptopId,
        name: p.name,
        at: p.at,
        checkins: countOf(p.counts['checkins']),
      })),
    })),
  };
}

/** The view when NATS sync could not start: what is wrong, in words the supervisor can act on. */
export function misconfiguredView(
  source: NatsViewSource,
  reason: string,
  since: number,
  config: NatsSyncConfig | null,
): NatsSyncView {
  return {
    source,
    role: config?.role ?? null,
    venues: config ? [...config.venues] : [],
    servers: config ? [...config.servers] : [],
    stream: null,
    link: { state: 'misconfigured', since, reason },
    collections: {},
    venuesSeen: [],
  };
}

/** A count another laptop reported: only a plain non-negative integer is believed. */
function countOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
