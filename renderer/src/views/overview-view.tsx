/** The glance view: totals, rate now, arrivals per minute, per gate and product, open alerts. */
import type { GateOpsApi } from '../../../shared/api/methods';
import type { AlertsList } from '../../../shared/api/channels/alerts';
import type { Overview } from '../../../shared/api/channels/activity';
import { ArrivalsChart } from '../components/arrivals-chart';
import { Id, Stat } from '../components/bits';
import { num, useFormat } from '../format';
import type { Navigate } from '../nav';
import { AlertList } from './alerts-view';

export function OverviewView(props: {
  api: GateOpsApi;
  overview: Overview | undefined;
  alerts: AlertsList | undefined;
  navigate: Navigate;
}) {
  const { overview: o, alerts, navigate, api } = props;
  const fmt = useFormat();
  if (!o) return <p className="empty">Loading…</p>;
  const t = o.totals;
  return (
    <div className="overview">
      <div className="stats">
        <Stat
          label="Checked in"
          value={num(t.checkins)}
          testId="total-checkins"
          primary
          sub={`last at ${fmt.time(o.lastCheckInAt)}`}
        />
        <Stat
          label="Rate now"
          value={`${num(o.ratePerMin)}`}
          testId="rate-now"
          sub="per minute (last 5 min)"
        />
        <Stat
          label="Devices active"
          value={num(t.activeDevices)}
          sub={`of ${num(t.devices)} seen`}
          testId="devices-active"
          tone={t.devices > 0 && t.activeDevices === 0 ? 'warn' : undefined}
        />
        <Stat
          label="Sessions active"
          value={num(t.activeSessions)}
          sub={`of ${num(t.sessions)}`}
          testId="sessions-active"
        />
        <Stat
          label="Re-entries"
          value={num(t.reentries)}
          testId="total-reentries"
          tone={t.reentries > 0 ? 'warn' : undefined}
        />
        <Stat
          label="Quarantined"
          value={num(t.quarantined)}
          testId="total-quarantined"
          tone={t.quarantined > 0 ? 'warn' : undefined}
        />
      </div>

      <section className="panel panel-wide">
        <h2>Arrivals per minute</h2>
        {t.checkins === 0 ? (
          <p className="empty">No check-ins yet.</p>
        ) : (
          <ArrivalsChart points={o.perMinute} />
        )}
      </section>

      <section className="panel">
        <h2>Gates</h2>
        {o.gates.length === 0 ? (
          <p className="empty">No gate has scanned yet.</p>
        ) : (
          <table className="table" data-testid="overview-gates">
            <thead>
              <tr>
                <th>Gate</th>
                <th className="num">Checked in</th>
                <th className="num">Per min</th>
                <th className="num">Devices</th>
              </tr>
            </thead>
            <tbody>
              {o.gates.map((g) => (
                <tr key={g.gate} data-testid="overview-gate-row" data-gate={g.gate}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => navigate({ view: 'sessions', gate: g.gate })}
                    >
                      <Id value={g.gate} empty="(no gate)" />
                    </button>
                  </td>
                  <td className="num" data-testid="gate-count">
                    {num(g.count)}
                  </td>
                  <td className="num">{num(g.ratePerMin)}</td>
                  <td className="num">
                    {g.activeDevices}
                    {g.idleDevices > 0 ? (
                      <span className="warn-text"> +{g.idleDevices} idle</span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel">
        <h2>
          Open alerts{' '}
          <span className="count" data-testid="overview-open-alerts">
            {alerts?.openCount ?? 0}
          </span>
        </h2>
        <AlertList api={api} alerts={alerts} limit={6} navigate={navigate} compact />
        <h2>Products</h2>
        {o.products.length === 0 ? (
          <p className="empty">None yet.</p>
        ) : (
          <table className="table" data-testid="overview-products">
            <tbody>
              {o.products.map((p) => (
                <tr key={p.productId}>
                  <td>
                    <Id value={p.productId} />
                  </td>
                  <td className="num">{num(p.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
