/** Alerts: open ones first, acknowledge one or all; acknowledgements are kept by main. */
import { useState } from 'react';
import type { AlertsList, AlertVm } from '../../../shared/api/channels/alerts';
import type { GateOpsApi } from '../../../shared/api/methods';
import { useWatch } from '../hooks/use-watch';
import { useFormat } from '../format';
import type { Navigate } from '../nav';

const KIND: Record<AlertVm['kind'], string> = {
  'device-idle': 'Idle device',
  reentry: 'Re-entry',
  quarantine: 'Quarantine',
  'upload-lag': 'Upload lag',
  'relay-down': 'Relay down',
};

export function AlertList(props: {
  api: GateOpsApi;
  alerts: AlertsList | undefined;
  navigate: Navigate;
  limit?: number;
  compact?: boolean;
}) {
  const { api, alerts, navigate } = props;
  const fmt = useFormat();
  const [busy, setBusy] = useState<string | null>(null);
  if (!alerts) return <p className="empty">Loading…</p>;
  const shown = props.limit ? alerts.alerts.slice(0, props.limit) : alerts.alerts;
  if (shown.length === 0)
    return (
      <p className="empty" data-testid="alerts-empty">
        No open alerts.
      </p>
    );
  const ack = async (id: string) => {
    setBusy(id);
    try {
      await api.acknowledgeAlerts({ ids: [id] });
    } finally {
      setBusy(null);
    }
  };
  const open = (a: AlertVm) => {
    if (a.kind === 'quarantine') navigate({ view: 'quarantine' });
    else if (a.kind === 'reentry' && a.ticketId) navigate({ view: 'checkins', text: a.ticketId });
    else if (a.deviceId) navigate({ view: 'sessions', deviceId: a.deviceId });
  };
  return (
    <ul className={`alerts${props.compact ? ' compact' : ''}`} data-testid="alert-list">
      {shown.map((a) => (
        <li
          key={a.id}
          className={`alert alert-${a.severity}${a.acknowledgedAt !== null ? ' acked' : ''}`}
          data-testid="alert"
          data-kind={a.kind}
          data-alert-id={a.id}
        >
          <div className="alert-main">
            <span className="alert-kind">{KIND[a.kind]}</span>
            <button
              type="button"
              className="link alert-title"
              onClick={() => open(a)}
              title={a.title}
            >
              {a.title}
            </button>
            {props.compact ? null : <p className="alert-detail">{a.detail}</p>}
            <span className="alert-since">since {fmt.time(a.since)}</span>
          </div>
          {a.acknowledgedAt === null ? (
            <button
              type="button"
              className="btn"
              data-testid="alert-ack"
              disabled={busy === a.id}
              onClick={() => void ack(a.id)}
            >
              Acknowledge
            </button>
          ) : (
            <span className="muted">acknowledged {fmt.time(a.acknowledgedAt)}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function AlertsView(props: { api: GateOpsApi; navigate: Navigate }) {
  const { api } = props;
  const [withAcked, setWithAcked] = useState(false);
  const [kind, setKind] = useState<AlertVm['kind'] | ''>('');
  const alerts = useWatch<AlertsList>(
    (l) => api.watchAlerts({ includeAcknowledged: withAcked }, l),
    `alerts:${withAcked}`,
  );
  return (
    <div className="view">
      <div className="toolbar">
        <h2>
          Alerts{' '}
          <span className="count" data-testid="alerts-open-count">
            {alerts?.openCount ?? 0}
          </span>{' '}
          open
        </h2>
        <label>
          Kind{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as AlertVm['kind'] | '')}>
            <option value="">All</option>
            {(Object.keys(KIND) as AlertVm['kind'][]).map((k) => (
              <option key={k} value={k}>
                {KIND[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={withAcked}
            onChange={(e) => setWithAcked(e.target.checked)}
          />{' '}
          Show acknowledged
        </label>
        <button
          type="button"
          className="btn"
          data-testid="alert-ack-all"
          disabled={!alerts || alerts.openCount === 0}
          onClick={() => void api.acknowledgeAllAlerts({})}
        >
          Acknowledge all
        </button>
      </div>
      <AlertList
        api={api}
        alerts={
          alerts && kind
            ? { ...alerts, alerts: alerts.alerts.filter((a) => a.kind === kind) }
            : alerts
        }
        navigate={props.navigate}
      />
      {alerts && alerts.omitted > 0 ? (
        <p className="muted">{alerts.omitted} more not shown.</p>
      ) : null}
    </div>
  );
}
