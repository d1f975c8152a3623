/**
 * Venue sync over NATS JetStream in the Team view: where this laptop's NATS settings come from,
 * the link (connected to which server and stream, or why not and when it tries again), what moved
 * per collection, and how fresh each venue's data is. The same figures `gate-ops stats` prints.
 */
import type { NatsSyncView } from '../../../shared/api/channels/sync';
import { num, useFormat, type Formatter } from '../format';
import { useNow } from '../hooks/use-now';

const LINK_TEXT: Record<NatsSyncView['link']['state'], string> = {
  misconfigured: 'NOT STARTED (settings incomplete)',
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'RECONNECTING',
  refused: 'REFUSED',
  'stream-missing': 'STREAM MISSING',
  unreachable: 'UNREACHABLE',
  failed: 'FAILED',
  stopped: 'stopped',
};

const GOOD = new Set<NatsSyncView['link']['state']>(['connected', 'connecting', 'stopped']);

function linkLine(n: NatsSyncView, fmt: Formatter): string {
  const l = n.link;
  let text = LINK_TEXT[l.state];
  if (l.server) text += ` to ${l.server}`;
  if (n.stream) text += `, stream ${n.stream}`;
  if (l.since !== null) text += ` since ${fmt.when(l.since)}`;
  if (l.reason) text += `: ${l.reason}`;
  if (l.state === 'reconnecting') {
    text += ' — check-ins keep arriving on this laptop’s own link; pushes wait';
  }
  if (l.retryAt !== undefined) text += `; next try ${fmt.time(l.retryAt)}`;
  return text;
}

export function NatsPanel({ nats }: { nats: NatsSyncView }) {
  const fmt = useFormat();
  const now = useNow(5000);
  const role =
    nats.role === 'central'
      ? `operations centre for ${nats.venues.join(', ') || '?'}`
      : nats.role === 'venue'
        ? `venue ${nats.venues.join(', ') || '?'}`
        : 'role not set';
  const collections = Object.entries(nats.collections);
  return (
    <section className="team-nats" data-testid="team-nats" data-link={nats.link.state}>
      <h2>Venue sync over NATS</h2>
      <p>
        {role} via {nats.servers.join(', ') || '(no server)'}{' '}
        <span className="muted">
          (from {nats.source === 'command-line' ? 'the command line' : 'Settings'})
        </span>
      </p>
      <p
        className={GOOD.has(nats.link.state) ? 'team-role-good' : 'team-role-bad'}
        data-testid="team-nats-link"
      >
        NATS link: {linkLine(nats, fmt)}
      </p>
      {collections.length > 0 && (
        <table className="team-table" data-testid="team-nats-collections">
          <thead>
            <tr>
              <th>Collection</th>
              <th className="num">Received</th>
              <th className="num">Sent</th>
              <th className="num">Refused</th>
              <th>Last pull</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {collections.map(([name, c]) => (
              <tr key={name} data-testid="team-nats-collection" data-collection={name}>
                <td>{name}</td>
                <td className="num">{num(c.pulled)}</td>
                <td className="num">{num(c.pushed)}</td>
                <td className="num">{num(c.rejected)}</td>
                <td>{c.lastPullAt === null ? '—' : fmt.when(c.lastPullAt)}</td>
                <td>{c.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nats.venuesSeen.length > 0 && (
        <ul className="team-nats-venues" data-testid="team-nats-venues">
          {nats.venuesSeen.map((v) => (
            <li key={v.venue} data-testid="team-nats-venue" data-venue={v.venue}>
              <strong>{v.venue}</strong>:{' '}
              {v.asOf === null
                ? 'nothing heard yet'
                : `data as of ${fmt.when(v.asOf)} (${ago(now - v.asOf)})`}
              {v.laptops.length > 0 &&
                ` — ${v.laptops
                  .map((p) => `${p.name} ${p.checkins === null ? '?' : num(p.checkins)}`)
                  .join(', ')} check-ins`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min ago` : `${Math.round(m / 60)} h ago`;
}
