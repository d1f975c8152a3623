/**
 * The relay link, always in view: live / connecting / reconnecting (attempt, next try) /
 * offline since, "data as of", whether the data is simulated, how many check-ins arrived while
 * the supervisor was looking elsewhere, and whether this page still reaches Gate Ops itself.
 */
import { useEffect, useState } from 'react';
import type { RelayStatus } from '../../../shared/api/channels/relay';
import type { LinkState } from '../api/websocket-transport';
import { duration, num, useFormat } from '../format';

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function RelayBanner(props: {
  relay: RelayStatus | undefined;
  dataAsOf: number | null | undefined;
  link: LinkState | null;
  away: { count: number; onDismiss: () => void } | null;
}) {
  const { relay, link } = props;
  const fmt = useFormat();
  const now = useNow(1000);
  let tone = 'warn';
  let title = 'Connecting to the relay…';
  let detail = '';
  if (link === 'closed' || link === 'connecting') {
    tone = 'bad';
    title = 'Lost contact with Gate Ops';
    detail =
      'This page cannot reach the Gate Ops process; retrying. The figures below may be stale.';
  } else if (relay) {
    switch (relay.state) {
      case 'live':
        tone = 'good';
        title = 'Live';
        detail = relay.liveSince ? `connected ${duration(now - relay.liveSince)} ago` : '';
        break;
      case 'connecting':
        title = 'Connecting to the relay…';
        detail = relay.offlineSince ? `offline since ${fmt.time(relay.offlineSince)}` : '';
        break;
      case 'reconnecting':
        title = `Reconnecting (attempt ${relay.attempt ?? 1})`;
        detail = [
          relay.nextRetryAt ? `next try in ${duration(Math.max(0, relay.nextRetryAt - now))}` : '',
          relay.offlineSince
            ? `offline since ${fmt.time(relay.offlineSince)} (${duration(now - relay.offlineSince)})`
            : '',
          relay.lastError ?? '',
          'stored data stays browsable',
        ]
          .filter(Boolean)
          .join(' · ');
        break;
      case 'offline':
        tone = 'bad';
        title = `Offline since ${fmt.time(relay.offlineSince)}`;
        detail = relay.lastError ?? 'Not retrying.';
        break;
      case 'stopped':
        tone = 'bad';
        title = 'Relay link stopped';
        detail = 'Showing stored data only.';
        break;
    }
  }
  const state =
    link === 'closed' || link === 'connecting' ? 'host-lost' : (relay?.state ?? 'unknown');
  return (
    <div
      className={`banner banner-${tone}`}
      role="status"
      aria-live="polite"
      data-testid="relay-banner"
      data-relay-state={state}
    >
      <span className="banner-dot" aria-hidden />
      <strong className="banner-title" data-testid="relay-state">
        {title}
      </strong>
      {detail ? <span className="banner-detail">{detail}</span> : null}
      <span className="banner-asof" data-testid="data-as-of">
        Data as of {fmt.time(props.dataAsOf ?? null)}
      </span>
      {relay?.demo ? (
        <span
          className="badge badge-demo"
          data-testid="demo-badge"
          title="No relay is configured: the built-in simulator feeds this data."
        >
          SIMULATED DATA
        </span>
      ) : null}
      {props.away && props.away.count > 0 ? (
        <button
          type="button"
          className="badge badge-away"
          data-testid="away-count"
          onClick={props.away.onDismiss}
          title="Dismiss"
        >
          +{num(props.away.count)} while you were away ×
        </button>
      ) : null}
    </div>
  );
}
