/**
 * Settings: relay URL and token (write-only: main never sends it back), alert thresholds (idle,
 * busy gate, upload lag, relay down, quiet time), critical-alert notifications and sound,
 * display time zone (checked: a name that is not a zone is refused here and in main) and theme;
 * venue sync over NATS (./settings/nats-sync-fields).
 * Saved by main; a changed relay applies when the app restarts the link.
 */
import { useState, type FormEvent } from 'react';
import type { SettingsView as SettingsVm } from '../../../shared/api/channels/settings';
import type { GateOpsApi } from '../../../shared/api/methods';
import type { Progress } from '../../../shared/api/channels/activity';
import { ZoneInput, zoneProblem } from '../components/zone-input';
import { CapacityFields } from './settings/capacity-fields';
import { NatsSyncFields, natsSyncProblem } from './settings/nats-sync-fields';

type Message = { ok: boolean; text: string } | null;

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
  {
    key: 'busyGatePerMinute',
    label: 'A gate is busy from (an idle device there is critical)',
    unit: 'scans / min',
    min: 1,
    max: 1000,
  },
  {
    key: 'quietMinutes',
    label: 'Say so when connected but nothing new is stored for',
    unit: 'min (quiet time)',
    min: 0.25,
    max: 240,
  },
];

export function SettingsView({
  api,
  settings,
  error,
  host,
  venueZone,
  progress,
  gates,
}: {
  api: GateOpsApi;
  settings: SettingsVm | undefined;
  error: string | null;
  host: 'electron' | 'headless' | null;
  venueZone: string | null;
  progress: Progress | undefined;
  gates: ReadonlyArray<string>;
}) {
  // Kept here: saving changes the settings, and the form below starts over with them.
  const [message, setMessage] = useState<Message>(null);
  const [importStatus, setImportStatus] = useState<Message>(null);
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
  return (
    <SettingsForm
      key={JSON.stringify(settings)}
      api={api}
      vm={settings}
      host={host}
      venueZone={venueZone}
      progress={progress}
      gates={gates}
      message={message}
      setMessage={setMessage}
      importStatus={importStatus}
      setImportStatus={setImportStatus}
    />
  );
}

function SettingsForm({
  api,
  vm,
  host,
  venueZone,
  progress,
  gates,
  message,
  setMessage,
  importStatus,
  setImportStatus,
}: {
  api: GateOpsApi;
  vm: SettingsVm;
  host: 'electron' | 'headless' | null;
  venueZone: string | null;
  progress: Progress | undefined;
  gates: ReadonlyArray<string>;
  message: Message;
  setMessage: (m: Message) => void;
  importStatus: Message;
  setImportStatus: (m: Message) => void;
}) {
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const s = vm.settings;
  const [relayUrl, setRelayUrl] = useState(s.relayUrl ?? '');
  const [token, setToken] = useState('');
  const [thresholds, setThresholds] = useState<Thresholds>(s.thresholds);
  const [timezone, setTimezone] = useState(s.display.timezone);
  const [theme, setTheme] = useState(s.display.theme);
  const [notifications, setNotifications] = useState(s.notifications);
  const [capacity, setCapacity] = useState(s.capacity);
  const [natsSync, setNatsSync] = useState(s.natsSync);

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
    const zone = zoneProblem(timezone, ['venue', 'local']);
    if (zone) {
      setMessage({ ok: false, text: `Not saved: ${zone}` });
      return;
    }
    const nats = natsSyncProblem(natsSync);
    if (nats) {
      setMessage({ ok: false, text: `Not saved: ${nats}` });
      return;
    }
    void run('Settings', () =>
      api.updateSettings({
        patch: {
          relayUrl: relayUrl.trim() === '' ? null : relayUrl.trim(),
          thresholds,
          display: { timezone: timezone.trim(), theme },
          notifications,
          capacity,
          natsSync,
        },
      }),
    );
  };
  return (
    <form className="view settings" onSubmit={save} data-testid="settings-form">
      <h2>Settings</h2>
      {message ? (
        <p
          className={message.ok ? 'good-text' : 'error'}
          role="status"
          data-testid="settings-message"
        >
          {message.text}
        </p>
      ) : null}
      <fieldset>
        <legend>Relay</legend>
        {vm.relayUrlNote ? (
          <p className="muted" data-testid="settings-relay-note">
            {vm.relayUrlNote}
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
              step="any"
              value={thresholds[t.key]}
              onChange={(e) => setThresholds({ ...thresholds, [t.key]: Number(e.target.value) })}
            />
            <span className="muted">{t.unit}</span>
          </label>
        ))}
      </fieldset>
      <CapacityFields
        api={api}
        value={capacity}
        onChange={setCapacity}
        progress={progress}
        gates={gates}
        status={importStatus}
        setStatus={setImportStatus}
      />
      <NatsSyncFields
        api={api}
        value={natsSync}
        onChange={setNatsSync}
        secret={vm.natsSecret}
        note={vm.natsSyncNote}
        run={run}
      />
      <fieldset>
        <legend>Critical alerts</legend>
        <p className="muted">
          Relay down, a refused token, storage faults and an idle device at a busy gate.
        </p>
        <label className="row">
          <input
            type="checkbox"
            checked={notifications.desktop}
            onChange={(e) => setNotifications({ ...notifications, desktop: e.target.checked })}
            data-testid="settings-notify-desktop"
          />
          Desktop notification
        </label>
        {notifications.desktop && host !== 'electron' ? <BrowserPermission /> : null}
        <label className="row">
          <input
            type="checkbox"
            checked={notifications.sound}
            onChange={(e) => setNotifications({ ...notifications, sound: e.target.checked })}
            data-testid="settings-notify-sound"
          />
          Sound
        </label>
      </fieldset>
      <fieldset>
        <legend>Display</legend>
        <ZoneInput
          label="Time zone for times on screen"
          value={timezone}
          onChange={setTimezone}
          special={[
            { value: 'venue', label: `The venue's (${venueZone ?? 'not known yet: local'})` },
            { value: 'local', label: `This computer's (${localZone})` },
          ]}
          testId="settings-timezone"
        />
        <p className="muted">
          “venue” follows the zone the events give ({venueZone ?? 'none so far'}); “local” is this
          computer&apos;s ({localZone}).
        </p>
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

/** In a browser the page must be allowed to notify; a click asks (browsers want a gesture). */
function BrowserPermission() {
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = useState(supported ? Notification.permission : 'denied');
  if (!supported) return <p className="muted">This browser cannot show notifications.</p>;
  if (permission === 'granted') return null;
  return (
    <p className="row" data-testid="settings-notify-permission">
      <span className="warn-text">
        {permission === 'denied'
          ? 'This browser blocks notifications from this page (allow them in its site settings).'
          : 'This browser has not been allowed to show notifications yet.'}
      </span>
      {permission === 'default' ? (
        <button
          type="button"
          className="btn"
          onClick={() => void Notification.requestPermission().then(setPermission)}
        >
          Allow notifications
        </button>
      ) : null}
    </p>
  );
}
