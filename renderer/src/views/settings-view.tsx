/**
 * Settings: relay URL and token (write-only: main never sends it back), alert thresholds,
 * display timezone and theme. Saved by main; a changed relay applies when the app restarts the link.
 */
import { useState, type FormEvent } from 'react';
import type { SettingsView as SettingsVm } from '../../../shared/api/channels/settings';
import type { GateOpsApi } from '../../../shared/api/methods';

type Thresholds = SettingsVm['settings']['thresholds'];

const THRESHOLDS: Array<{
  key: keyof Thresholds;
  label: string;
  unit: string;
  min: number;
  max: number;
}> = [
  {
    key: 'deviceIdleMinutes',
    label: 'A device is idle after',
    unit: 'min without a scan',
    min: 1,
    max: 240,
  },
  {
    key: 'sessionEndMinutes',
    label: 'A session has ended after',
    unit: 'min without a scan',
    min: 5,
    max: 1440,
  },
  { key: 'uploadLagSeconds', label: 'Upload lag alert above', unit: 's', min: 10, max: 86400 },
  {
    key: 'relayDownSeconds',
    label: 'Relay-down alert after',
    unit: 's offline',
    min: 5,
    max: 3600,
  },
];

export function SettingsView({
  api,
  settings,
  error,
  host,
}: {
  api: GateOpsApi;
  settings: SettingsVm | undefined;
  error: string | null;
  host: 'electron' | 'headless' | null;
}) {
  if (error) {
    return (
      <div className="view">
        <h2>Settings</h2>
        <p className="empty" data-testid="settings-unavailable">
          Settings cannot be changed here: {error}
        </p>
      </div>
    );
  }
  if (!settings) return <p className="empty">Loading…</p>;
  return <SettingsForm key={JSON.stringify(settings)} api={api} vm={settings} host={host} />;
}

function SettingsForm({
  api,
  vm,
  host,
}: {
  api: GateOpsApi;
  vm: SettingsVm;
  host: 'electron' | 'headless' | null;
}) {
  const s = vm.settings;
  const [relayUrl, setRelayUrl] = useState(s.relayUrl ?? '');
  const [token, setToken] = useState('');
  const [thresholds, setThresholds] = useState<Thresholds>(s.thresholds);
  const [timezone, setTimezone] = useState(s.display.timezone);
  const [theme, setTheme] = useState(s.display.theme);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const run = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      setMessage({ ok: true, text: `${what} saved.` });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    void run('Settings', () =>
      api.updateSettings({
        patch: {
          relayUrl: relayUrl.trim() === '' ? null : relayUrl.trim(),
          thresholds,
          display: { timezone: timezone.trim() || 'local', theme },
        },
      }),
    );
  };
  return (
    <form className="view settings" onSubmit={save} data-testid="settings-form">
      <h2>Settings</h2>
      {message ? (
        <p className={message.ok ? 'good-text' : 'error'} role="status">
          {message.text}
        </p>
      ) : null}
      <fieldset>
        <legend>Relay</legend>
        {host === 'headless' ? (
          <p className="muted" data-testid="settings-headless-note">
            Headless mode connects to the relay given on the gate-ops headless command line; the
            relay saved here is what the desktop app uses.
          </p>
        ) : null}
        <label>
          Relay URL
          <input
            type="url"
            value={relayUrl}
            placeholder="wss://relay.example.com/stream (empty: built-in demo)"
            onChange={(e) => setRelayUrl(e.target.value)}
          />
        </label>
        <p className="muted">
          Token: {vm.relayToken.isSet ? `set (${vm.relayToken.source})` : 'not set'}
          {vm.relayToken.note ? ` — ${vm.relayToken.note}` : ''}
        </p>
        {vm.relayToken.canChange ? (
          <div className="row">
            <input
              type="password"
              autoComplete="off"
              aria-label="New relay token"
              placeholder="New token"
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
            <button
              type="button"
              className="btn"
              disabled={token === ''}
              onClick={() =>
                void run('Token', () => api.setRelayToken({ token })).then(() => setToken(''))
              }
            >
              Set token
            </button>
            {vm.relayToken.isSet ? (
              <button
                type="button"
                className="btn"
                onClick={() => void run('Token removal', () => api.clearRelayToken({}))}
              >
                Clear token
              </button>
            ) : null}
          </div>
        ) : null}
      </fieldset>
      <fieldset>
        <legend>Alert thresholds</legend>
        {THRESHOLDS.map((t) => (
          <label key={t.key} className="row threshold">
            <span className="grow">{t.label}</span>
            <input
              type="number"
              min={t.min}
              max={t.max}
              value={thresholds[t.key]}
              onChange={(e) => setThresholds({ ...thresholds, [t.key]: Number(e.target.value) })}
            />
            <span className="muted">{t.unit}</span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Display</legend>
        <label>
          Timezone (“local” or an IANA zone such as Europe/Berlin)
          <input value={timezone} onChange={(e) => setTimezone(e.target.value)} />
        </label>
        <label>
          Theme{' '}
          <select value={theme} onChange={(e) => setTheme(e.target.value as typeof theme)}>
            <option value="system">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </fieldset>
      <button type="submit" className="btn btn-primary">
        Save
      </button>
    </form>
  );
}
