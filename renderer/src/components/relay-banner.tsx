/**
 * The relay link, always in view, and honest about it: live / connecting / reconnecting
 * (attempt, next try) / offline since; amber while "live" when nothing new is stored for longer
 * than the quiet time or conflicts or quarantine jump (saying why); "caught up N check-ins"
 * for a while after a reconnect; a refused token with what to do and Retry now; "data as of";
 * whether the data is simulated; what arrived while the supervisor looked elsewhere; and whether
 * this page still reaches Gate Ops itself. The text wraps rather than being cut.
 */
import { useState } from 'react';
import type { RelayStatus } from '../../../shared/api/channels/relay';
import type { Health } from '../../../shared/api/channels/status';
import type { LinkState } from '../api/websocket-transport';
import { duration, num, useFormat } from '../format';
import { useNow } from '../hooks/use-now';
import './relay-banner.css';

type Tone = 'good' | 'warn' | 'bad';

/** Reasons about the store: shown whatever the relay link is doing. */
const STORE_CODES: ReadonlySet<string> = new Set(['store', 'sequence']);

interface Shown {
  tone: Tone;
  title: string;
  detail: string;
  state: string;
}

function describe(
  relay: RelayStatus | undefined,
  link: LinkState | null,
  now: number,
  time: (ms: number | null | undefined) => string,
): Shown {
  if (link === 'closed' || link === 'connecting') {
    return {
      tone: 'bad',
      state: 'host-lost',
      title: 'Lost contact with Gate Ops',
      detail:
        'This page cannot reach the Gate Ops process; retrying. The figures below may be stale.',
    };
  }
  if (!relay)
    return { tone: 'warn', state: 'unknown', title: 'Connecting to the relay…', detail: '' };
  if (relay.disabled) {
    return {
      tone: 'good',
      state: 'no-relay',
      title: 'Venue sync only',
      detail:
        'this laptop has no relay link of its own: its check-ins come over venue sync (see Team)',
    };
  }
  const since = relay.offlineSince;
  switch (relay.state) {
    case 'live':
      return {
        tone: 'good',
        state: 'live',
        title: 'Live',
        detail: relay.liveSince ? `connected ${duration(now - relay.liveSince)} ago` : '',
      };
    case 'connecting':
      return {
        tone: 'warn',
        state: 'connecting',
        title: 'Connecting to the relay…',
        detail: since ? `offline since ${time(since)}` : '',
      };
    case 'reconnecting':
      return {
        tone: 'warn',
        state: 'reconnecting',
        title: `Reconnecting (attempt ${relay.attempt ?? 1})`,
        detail: [
          relay.nextRetryAt ? `next try in ${duration(Math.max(0, relay.nextRetryAt - now))}` : '',
          since ? `offline since ${time(since)} (${duration(now - since)})` : '',
          relay.lastError ?? '',
          'stored data stays browsable',
        ]
          .filter(Boolean)
          .join(' · '),
      };
    case 'offline':
      if (relay.authFailed) {
        return {
          tone: 'bad',
          state: 'auth-failed',
          title: 'The relay refused the token',
          detail:
            `${relay.lastError ?? 'Authentication failed'}. Nothing arrives until the token is fixed: ` +
            'set the right one in Settings (headless mode: the token file or GATE_OPS_RELAY_TOKEN), then Retry now.',
        };
      }
      if (relay.stalled) {
        return {
          tone: 'bad',
          state: 'stalled',
          title: 'The relay link stopped on a message it cannot read',
          detail: relay.lastError ?? 'Not retrying until asked.',
        };
      }
      return {
        tone: 'bad',
        state: 'offline',
        title: `Offline since ${time(since)}`,
        detail: relay.lastError ?? 'Not retrying.',
      };
    case 'stopped':
      return {
        tone: 'bad',
        state: 'stopped',
        title: 'Relay link stopped',
        detail: 'Showing stored data only.',
      };
  }
}

export function RelayBanner(props: {
  relay: RelayStatus | undefined;
  health: Health | undefined;
  dataAsOf: number | null | undefined;
  link: LinkState | null;
  away: { count: number; onDismiss: () => void } | null;
  onRetry?: (() => Promise<unknown>) | undefined;
}) {
  const { relay, link, health } = props;
  const fmt = useFormat();
  const now = useNow(1000);
  const [retrying, setRetrying] = useState(false);
  const shown = describe(relay, link, now, fmt.time);
  // Store problems are shown whatever the link does (below); the other reasons while live.
  const storeLines = (health?.reasons ?? []).filter((r) => STORE_CODES.has(r.code));
  const reasons =
    shown.state === 'live' || shown.state === 'auth-failed'
      ? (health?.reasons ?? []).filter((r) => !STORE_CODES.has(r.code))
      : [];
  const storeState = health?.store?.state ?? 'ok';
  // Live but something is wrong: amber (or red for data being lost), never a plain green.
  const tone: Tone =
    storeState !== 'ok'
      ? 'bad'
      : shown.tone === 'good' && health && health.tone !== 'good'
        ? health.tone
        : shown.tone;
  const title =
    shown.state === 'live' && (reasons.length > 0 || storeState !== 'ok')
      ? 'Live, but'
      : shown.title;
  const catchUp = shown.state === 'live' ? health?.catchUp : null;
  const retry = async () => {
    if (!props.onRetry) return;
    setRetrying(true);
    try {
      await props.onRetry();
    } finally {
      setRetrying(false);
    }
  };
  return (
    <div
      className={`banner banner-${tone}`}
      role="status"
      aria-live="polite"
      data-testid="relay-banner"
      data-relay-state={shown.state}
      data-tone={tone}
    >
      <span className="banner-dot" aria-hidden />
      <strong className="banner-title" data-testid="relay-state">
        {title}
      </strong>
      {reasons.length > 0 ? (
        <span className="banner-reasons" data-testid="banner-reasons">
          {reasons.map((r) => (
            <span key={r.code} className="banner-reason" data-code={r.code}>
              {r.text}
            </span>
          ))}
        </span>
      ) : shown.detail ? (
        <span className="banner-detail" data-testid="banner-detail">
          {shown.detail}
        </span>
      ) : null}
      {storeLines.length > 0 ? (
        <span className="banner-reasons" data-testid="store-status" data-store-state={storeState}>
          {storeLines.map((r, i) => (
            <span key={`${r.code}-${i}`} className="banner-reason" data-code={r.code}>
              {r.text}
            </span>
          ))}
        </span>
      ) : null}
      {catchUp ? (
        <span className="badge badge-caught" data-testid="caught-up" data-count={catchUp.count}>
          Back since {fmt.time(catchUp.since)}: caught up {num(catchUp.count)}{' '}
          {catchUp.count === 1 ? 'check-in' : 'check-ins'}
        </span>
      ) : null}
      {(shown.state === 'auth-failed' || shown.state === 'stalled') && props.onRetry ? (
        <button
          type="button"
          className="btn btn-primary banner-retry"
          data-testid="relay-retry"
          disabled={retrying}
          onClick={() => void retry()}
        >
          {retrying ? 'Retrying…' : 'Retry now'}
        </button>
      ) : null}
      <span className="banner-asof" data-testid="data-as-of">
        Data as of {fmt.when(props.dataAsOf ?? null)}
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
