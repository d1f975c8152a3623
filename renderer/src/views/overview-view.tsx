/**
 * The glance view: totals, rate now, arrivals per minute, the gates ranked by the last 5 (or
 * 15 / 30 / 60) minutes with their last hour as a sparkline, open alerts, products.
 */
import { useState } from 'react';
import type { GateOpsApi } from '../../../shared/api/methods';
import type { AlertsList } from '../../../shared/api/channels/alerts';
import {
  GATE_WINDOWS,
  type GateWindow,
  type Overview,
} from '../../../shared/api/channels/activity';
import { rankGates, windowCount } from '../../../shared/domain/activity-views';
import { ArrivalsChart } from '../components/arrivals-chart';
import { Id, Stat } from '../components/bits';
import { ProgressCard } from '../components/progress-card';
import { Sparkline } from '../components/sparkline';
import { num, rate, useFormat } from '../format';
import type { Navigate } from '../nav';
import { AlertList } from './alerts-view';
import './overview.css';

export function OverviewView(props: {
  api: GateOpsApi;
  overview: Overview | undefined;
  alerts: AlertsList | undefined;
  navigate: Navigate;
}) {
  const { overview: o, alerts, navigate, api } = props;
  const fmt = useFormat();
  const [window, setWindow] = useState<GateWindow>(5);
  if (!o) return <p className="empty">Loading…</p>;
  const t = o.totals;
  // Main ranks by the last 5 minutes; another window re-ranks the same small list here.
  const gates = window === o.gateWindow ? o.gates : rankGates([...o.gates], window);
  return (
    <div className="overview">
      <div className="stats">
        <Stat
          label="Checked in"
          value={num(t.checkins)}
          testId="total-checkins"
          primary
          sub={`last at ${fmt.when(o.lastCheckInAt)}`}
        />
        <ProgressCard progress={o.progress} />
        <Stat
          label="Rate now"
          value={rate(o.ratePerMin)}
          testId="rate-now"
          sub="per minute, last 5 min"
        />
        <Stat
          label="Devices active"
          value={num(t.activeDevices)}
          sub={
            <>
              of {num(t.devices)} seen;{' '}
              <span data-testid="sessions-active">{num(t.activeSessions)}</span> of{' '}
              {num(t.sessions)} sessions
            </>
          }
          testId="devices-active"
          tone={t.devices > 0 && t.activeDevices === 0 ? 'warn' : undefined}
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
        <div className="panel-head">
          <h2>Busiest gates</h2>
          <div className="segmented" role="radiogroup" aria-label="Rank gates by the last">
            {GATE_WINDOWS.map((w) => (
              <button
                key={w}
                type="button"
                role="radio"
                aria-checked={window === w}
                className={window === w ? 'current' : undefined}
                data-testid={`overview-window-${w}`}
                onClick={() => setWindow(w)}
              >
                {w} min
              </button>
            ))}
          </div>
        </div>
        {gates.length === 0 ? (
          <p className="empty">No gate has scanned yet.</p>
        ) : (
          <div className="overview-gates-box" data-focus-target tabIndex={-1}>
            <table className="table overview-gates" data-testid="overview-gates">
              <thead>
                <tr>
                  <th>Gate</th>
                  <th className="num" title={`scans in the last ${window} minutes`}>
                    Last {window} min
                  </th>
                  <th className="num" title="scans per minute over the last 5 minutes">
                    Per min
                  </th>
                  <th title="scans per minute over the last hour">Last hour</th>
                  <th className="num">Total</th>
                  <th className="num">Devices</th>
                </tr>
              </thead>
              <tbody>
                {gates.map((g) => (
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
                    <td className="num" data-testid="gate-window-count">
                      {num(windowCount(g, window))}
                    </td>
                    <td className="num">{rate(g.ratePerMin)}</td>
                    <td>
                      <Sparkline
                        values={g.spark}
                        label={`Gate ${g.gate}: ${num(g.last60)} scans in the last hour`}
                      />
                    </td>
                    <td className="num" data-testid="gate-count">
                      {num(g.count)}
                    </td>
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
          </div>
        )}
      </section>

      <section className="panel">
        <h2>
          Open alerts{' '}
          <span className="count" data-testid="overview-open-alerts">
            {alerts?.openCount ?? 0}
          </span>
        </h2>
        <AlertList api={api} alerts={alerts} limit={5} navigate={navigate} compact />
        <h2 className="products-title">Products</h2>
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
                  <td className="num muted">
                    {t.checkins > 0 ? `${Math.round((p.count / t.checkins) * 100)} %` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
