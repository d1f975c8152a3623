/**
 * Alerts: the open ones (critical first), acknowledge one or all (main keeps the
 * acknowledgements); the history of alerts whose cause cleared; and the relay outages with
 * what each caught up afterwards.
 */
import { useState } from 'react';
import type { AlertHistory, AlertsList, AlertVm } from '../../../shared/api/channels/alerts';
import type { Outages } from '../../../shared/api/channels/status';
import type { GateOpsApi } from '../../../shared/api/methods';
import { useWatch } from '../hooks/use-watch';
import { duration, num, useFormat } from '../format';
import type { Nav, Navigate } from '../nav';
import { AlertCard, KIND } from './alerts/alert-card';
import './alerts/alerts.css';

export function AlertList(props: {
  api: GateOpsApi;
  alerts: AlertsList | undefined;
  navigate: Navigate;
  limit?: number;
  compact?: boolean;
}) {
  const { api, alerts, navigate } = props;
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
  return (
    <ul className={`alerts${props.compact ? ' compact' : ''}`} data-testid="alert-list">
      {shown.map((a) => (
        <AlertCard
          key={a.id}
          alert={a}
          navigate={navigate}
          compact={props.compact}
          busy={busy === a.id}
          onAck={(id) => void ack(id)}
        />
      ))}
    </ul>
  );
}

type Tab = 'open' | 'history' | 'outages';

export function AlertsView(props: { api: GateOpsApi; nav: Nav; navigate: Navigate }) {
  const { api, nav, navigate } = props;
  const tab: Tab = nav.tab === 'history' || nav.tab === 'outages' ? nav.tab : 'open';
  const setTab = (t: Tab) => navigate({ view: 'alerts', ...(t === 'open' ? {} : { tab: t }) });
  return (
    <div className="view">
      <div className="tabs" role="tablist" aria-label="Alerts">
        {(
          [
            ['open', 'Open'],
            ['history', 'History'],
            ['outages', 'Relay outages'],
          ] as const
        ).map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={`tab${tab === id ? ' current' : ''}`}
            data-testid={`alerts-tab-${id}`}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === 'open' ? (
        <OpenAlerts api={api} navigate={navigate} />
      ) : tab === 'history' ? (
        <HistoryList api={api} navigate={navigate} />
      ) : (
        <OutageList api={api} />
      )}
    </div>
  );
}

function OpenAlerts({ api, navigate }: { api: GateOpsApi; navigate: Navigate }) {
  const [withAcked, setWithAcked] = useState(false);
  const [kind, setKind] = useState<AlertVm['kind'] | ''>('');
  const alerts = useWatch<AlertsList>(
    (l) => api.watchAlerts({ includeAcknowledged: withAcked }, l),
    `alerts:${withAcked}`,
  );
  return (
    <>
      <div className="toolbar">
        <h2>
          Alerts{' '}
          <span className="count" data-testid="alerts-open-count">
            {alerts?.openCount ?? 0}
          </span>{' '}
          open
          {alerts && alerts.criticalCount > 0 ? (
            <span className="sev-count sev-critical" data-testid="alerts-critical-count">
              {alerts.criticalCount} critical
            </span>
          ) : null}
        </h2>
        <label>
          Kind{' '}
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as AlertVm['kind'] | '')}
            data-testid="alerts-kind"
          >
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
        navigate={navigate}
      />
      {alerts && alerts.omitted > 0 ? (
        <p className="muted">{alerts.omitted} more not shown.</p>
      ) : null}
    </>
  );
}

function HistoryList({ api, navigate }: { api: GateOpsApi; navigate: Navigate }) {
  const history = useWatch<AlertHistory>(
    (l) => api.watchAlertHistory({ limit: 200 }, l),
    'alert-history',
  );
  return (
    <>
      <div className="toolbar">
        <h2>
          Cleared alerts{' '}
          <span className="count" data-testid="alerts-history-count">
            {history ? num(history.total) : '…'}
          </span>
        </h2>
        <span className="muted">Alerts whose cause cleared, newest first.</span>
      </div>
      {!history ? (
        <p className="empty">Loading…</p>
      ) : history.alerts.length === 0 ? (
        <p className="empty" data-testid="alerts-history-empty">
          No alert has cleared yet.
        </p>
      ) : (
        <ul className="alerts" data-testid="alert-history">
          {history.alerts.map((a) => (
            <AlertCard key={`${a.id}|${a.clearedAt}`} alert={a} navigate={navigate} />
          ))}
        </ul>
      )}
    </>
  );
}

function OutageList({ api }: { api: GateOpsApi }) {
  const fmt = useFormat();
  const outages = useWatch<Outages>((l) => api.watchOutages({ limit: 200 }, l), 'outages');
  return (
    <>
      <div className="toolbar">
        <h2>
          Relay outages{' '}
          <span className="count" data-testid="outages-count">
            {outages ? num(outages.total) : '…'}
          </span>
        </h2>
        <span className="muted">
          Every period the relay link was down, and the check-ins it caught up afterwards.
        </span>
      </div>
      {!outages ? (
        <p className="empty">Loading…</p>
      ) : outages.outages.length === 0 ? (
        <p className="empty" data-testid="outages-empty">
          The relay link has not been down.
        </p>
      ) : (
        <div className="panel table-scroll">
          <table className="table" data-testid="outages">
            <thead>
              <tr>
                <th>Down from</th>
                <th>Back at</th>
                <th className="num">For</th>
                <th className="num">Caught up</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {outages.outages.map((o) => (
                <tr key={o.from} data-testid="outage-row" data-open={o.to === null}>
                  <td>{fmt.when(o.from)}</td>
                  <td>{o.to === null ? <b className="bad-text">still down</b> : fmt.when(o.to)}</td>
                  <td className="num">{o.to === null ? '—' : duration(o.to - o.from)}</td>
                  <td className="num" data-testid="outage-caught-up">
                    {num(o.caughtUp)}
                  </td>
                  <td>
                    <span className="id" title={o.reason}>
                      {o.reason ?? '—'}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
