/**
 * The Gate Ops window: relay banner always on top, the views in a keyboard-driven sidebar
 * (1–9, / to search; Backspace or Alt+← back), drill-down from gate to session to check-ins,
 * every view and filter a history entry. All data comes through the one typed GateOpsApi
 * (Electron preload or headless websocket) as small pushed view models.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Overview } from '../../shared/api/channels/activity';
import type { AlertsList } from '../../shared/api/channels/alerts';
import type { RelayStatus } from '../../shared/api/channels/relay';
import type { Health } from '../../shared/api/channels/status';
import type { SettingsView as SettingsVm } from '../../shared/api/channels/settings';
import type { GateOpsApi } from '../../shared/api/methods';
import { connectApi, type ConnectedApi } from './api/connect-api';
import { RelayBanner } from './components/relay-banner';
import { FormatContext, makeFormatter } from './format';
import { useWatch } from './hooks/use-watch';
import { useCriticalAlerts } from './hooks/use-critical-alerts';
import { useNav } from './hooks/use-nav';
import { laterOf, useVenueArrival } from './hooks/use-venue-arrival';
import { VIEWS, type Nav, type ViewId } from './nav';
import { AlertsView } from './views/alerts-view';
import { CheckinsView } from './views/checkins-view';
import { DevicesView } from './views/devices-view';
import { GatesView } from './views/gates-view';
import { OverviewView } from './views/overview-view';
import { QuarantineView } from './views/quarantine-view';
import { ReportsView } from './views/reports-view';
import { SessionsView } from './views/sessions-view';
import { SettingsView } from './views/settings-view';
import { LogView } from './views/log-view';
import { TeamView } from './views/team-view';

const connection: ConnectedApi = connectApi();

function useLinkState() {
  const link = connection.link;
  return useSyncExternalStore(
    (cb) => (link ? link.onState(cb) : () => undefined),
    () => (link ? link.state() : null),
  );
}

function useSettings(api: GateOpsApi): { settings: SettingsVm | undefined; error: string | null } {
  const [state, setState] = useState<{ settings: SettingsVm | undefined; error: string | null }>({
    settings: undefined,
    error: null,
  });
  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    api
      .getSettings({})
      .then((settings) => {
        if (cancelled) return;
        setState({ settings, error: null });
        stop = api.onSettingsChanged({}, (s) => setState({ settings: s, error: null }));
      })
      .catch((e: unknown) => {
        if (!cancelled)
          setState({ settings: undefined, error: e instanceof Error ? e.message : String(e) });
      });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [api]);
  return state;
}

/** Check-ins that arrived while the window was hidden or unfocused. */
function useAwayCount(total: number | undefined) {
  const [shown, setShown] = useState<number | null>(null);
  const totalRef = useRef(total);
  const markRef = useRef<number | null>(null);
  useEffect(() => {
    totalRef.current = total;
  }, [total]);
  useEffect(() => {
    const away = () => {
      if (markRef.current === null) markRef.current = totalRef.current ?? null;
    };
    const back = () => {
      if (document.visibilityState !== 'visible' || !document.hasFocus()) return;
      const mark = markRef.current;
      markRef.current = null;
      if (mark !== null && totalRef.current !== undefined && totalRef.current > mark) {
        setShown(totalRef.current - mark);
      }
    };
    const onVisibility = () => (document.visibilityState === 'hidden' ? away() : back());
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('blur', away);
    window.addEventListener('focus', back);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('blur', away);
      window.removeEventListener('focus', back);
    };
  }, []);
  return { count: shown ?? 0, onDismiss: () => setShown(null) };
}

export function App() {
  const api = connection.api;
  const { nav, navigate } = useNav();
  const link = useLinkState();
  const overview = useWatch<Overview>((l) => api.watchOverview({ minutes: 180 }, l), 'overview');
  const relay = useWatch<RelayStatus>((l) => api.watchRelayStatus({}, l), 'relay');
  const health = useWatch<Health>((l) => api.watchHealth({}, l), 'health');
  const alerts = useWatch<AlertsList>(
    (l) => api.watchAlerts({ includeAcknowledged: false }, l),
    'alerts',
  );
  const { settings, error: settingsError } = useSettings(api);
  const [host, setHost] = useState<'electron' | 'headless' | null>(null);
  useEffect(() => {
    api
      .getAppInfo({})
      .then((info) => setHost(info.host))
      .catch(() => setHost(null));
  }, [api]);
  const venueArrival = useVenueArrival(api);
  const away = useAwayCount(overview?.totals.checkins);
  const display = settings?.settings.display;
  const timezone = display?.timezone ?? 'venue';
  const venueZone = overview?.venueTimeZone ?? null;
  const fmt = useMemo(() => makeFormatter(timezone, venueZone), [timezone, venueZone]);
  useCriticalAlerts(alerts, settings?.settings.notifications, host);

  useEffect(() => {
    const theme = display?.theme ?? 'system';
    if (theme === 'system') delete document.documentElement.dataset['theme'];
    else document.documentElement.dataset['theme'] = theme;
  }, [display?.theme]);

  const ready = overview !== undefined && relay !== undefined;
  const open = alerts?.openCount ?? 0;
  const critical = alerts?.criticalCount ?? 0;

  return (
    <FormatContext.Provider value={fmt}>
      <div className="app" data-state={ready ? 'ready' : 'loading'} data-testid="app">
        <header className="top">
          <div className="brand">
            Gate Ops
            {relay?.demo ? <span className="brand-demo">demo</span> : null}
          </div>
          <RelayBanner
            relay={relay}
            health={health}
            dataAsOf={laterOf(overview?.dataAsOf, venueArrival)}
            link={link}
            away={away}
            onRetry={() => api.retryRelay({})}
          />
        </header>
        {connection.error ? <p className="error top-error">{connection.error}</p> : null}
        <nav className="side" aria-label="Views">
          {VIEWS.map((v) => (
            <button
              key={v.view}
              type="button"
              className={`nav-item${nav.view === v.view ? ' current' : ''}`}
              aria-current={nav.view === v.view ? 'page' : undefined}
              data-testid={`nav-${v.view}`}
              onClick={() => navigate({ view: v.view })}
            >
              <span>{v.label}</span>
              {v.view === 'alerts' && open > 0 ? (
                <span
                  className={`nav-badge${critical > 0 ? ' nav-badge-critical' : ''}`}
                  data-testid="nav-alert-count"
                  title={critical > 0 ? `${critical} critical` : undefined}
                >
                  {open}
                </span>
              ) : null}
              <kbd aria-label={`shortcut ${v.key}`}>{v.key}</kbd>
            </button>
          ))}
          <p className="muted zone" title="Times are shown in this time zone (Settings)">
            Times: {fmt.zoneLabel}
          </p>
        </nav>
        <main className="content" data-view={nav.view}>
          <CurrentView
            view={nav.view}
            nav={nav}
            api={api}
            overview={overview}
            alerts={alerts}
            navigate={navigate}
            settings={settings}
            settingsError={settingsError}
            host={host}
          />
        </main>
      </div>
    </FormatContext.Provider>
  );
}

function CurrentView(props: {
  view: ViewId;
  nav: Nav;
  api: GateOpsApi;
  overview: Overview | undefined;
  alerts: AlertsList | undefined;
  navigate: (nav: Nav) => void;
  settings: SettingsVm | undefined;
  settingsError: string | null;
  host: 'electron' | 'headless' | null;
}) {
  const { view, nav, api, navigate } = props;
  switch (view) {
    case 'overview':
      return (
        <OverviewView
          api={api}
          overview={props.overview}
          alerts={props.alerts}
          navigate={navigate}
        />
      );
    case 'gates':
      return <GatesView api={api} navigate={navigate} />;
    case 'sessions':
      return <SessionsView api={api} nav={nav} navigate={navigate} />;
    case 'devices':
      return <DevicesView api={api} nav={nav} navigate={navigate} />;
    case 'checkins':
      return (
        <CheckinsView
          key={`${nav.text ?? ''}|${nav.reentries ? 1 : 0}`}
          api={api}
          nav={nav}
          navigate={navigate}
        />
      );
    case 'alerts':
      return <AlertsView api={api} nav={nav} navigate={navigate} />;
    case 'quarantine':
      return <QuarantineView api={api} nav={nav} navigate={navigate} />;
    case 'reports':
      return <ReportsView api={api} />;
    case 'team':
      return <TeamView api={api} />;
    case 'log':
      return <LogView api={api} />;
    case 'settings':
      return (
        <SettingsView
          api={api}
          settings={props.settings}
          error={props.settingsError}
          host={props.host}
          venueZone={props.overview?.venueTimeZone ?? null}
          progress={props.overview?.progress}
          gates={props.overview?.gates.map((g) => g.gate) ?? []}
        />
      );
  }
}
