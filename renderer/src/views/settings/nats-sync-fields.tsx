/**
 * Venue sync over NATS JetStream in Settings: the same choices as `gate-ops headless
 * --sync-nats…` (servers, a venue or the operations centre's venues, how to authenticate, a CA
 * file, replicas), saved with the form. The password, creds file or nkey seed is write-only and
 * saved at once, like the relay token: main keeps it in the secret store and only says whether
 * one is set and of which kind. The link itself is shown in the Team view and `gate-ops stats`.
 */
import { useRef, useState } from 'react';
import type { NatsSecretStatus } from '../../../../shared/api/channels/settings';
import type { GateOpsApi } from '../../../../shared/api/methods';
import {
  natsSecretProblem,
  natsSyncSettingsSchema,
  secretKindFor,
  type NatsAuthKind,
  type NatsSecretKind,
  type NatsSyncSettings,
} from '../../../../shared/nats-sync';

const AUTH_LABELS: Record<NatsAuthKind, string> = {
  none: 'None (an open server)',
  user: 'User and password',
  creds: 'Creds file (JWT and seed, from your NATS operator)',
  nkey: 'Nkey seed file',
};

const SECRET_NAMES: Record<NatsSecretKind, string> = {
  password: 'password',
  creds: 'creds file',
  nkey: 'nkey seed',
};

/** Null when the NATS part can be saved as it is, else the first reason why not. */
export function natsSyncProblem(value: NatsSyncSettings): string | null {
  const r = natsSyncSettingsSchema.safeParse(value);
  if (r.success) return null;
  const first = r.error.issues[0];
  return first ? `NATS sync: ${first.message}` : 'NATS sync: invalid settings';
}

export function NatsSyncFields(props: {
  api: GateOpsApi;
  value: NatsSyncSettings;
  onChange: (value: NatsSyncSettings) => void;
  secret: NatsSecretStatus;
  /** Set when this run's command line gives the NATS options (they win for this run). */
  note: string | undefined;
  /** Runs an immediate action (the secret) and reports it like the form's other messages. */
  run: (what: string, fn: () => Promise<unknown>) => Promise<void>;
}) {
  const { api, value, onChange, secret, note } = props;
  // Setting the secret reloads the form from what main saved: the NATS fields typed so far are
  // saved with it (when they can be), so they are not lost.
  const run = (what: string, fn: () => Promise<unknown>) =>
    props.run(what, async () => {
      if (natsSyncProblem(value) === null) await api.updateSettings({ patch: { natsSync: value } });
      await fn();
    });
  const set = (patch: Partial<NatsSyncSettings>) => onChange({ ...value, ...patch });
  const kind = secretKindFor(value.auth);
  return (
    <fieldset data-testid="settings-nats">
      <legend>Venue sync over NATS</legend>
      <p className="muted">
        Past one venue: the laptops sync through a NATS JetStream server or cluster (a venue leaf
        node, or the central cluster for the operations centre). See docs/sync.md.
      </p>
      {note ? (
        <p className="muted" data-testid="settings-nats-note">
          {note}
        </p>
      ) : null}
      <label className="row">
        <input
          type="checkbox"
          checked={value.enabled}
          onChange={(e) => set({ enabled: e.target.checked })}
          data-testid="settings-nats-enabled"
        />
        Sync over NATS
      </label>
      <label>
        Servers
        <input
          type="text"
          value={value.servers}
          placeholder="nats://nats-1.venue.lan:4222, nats://nats-2.venue.lan:4222"
          onChange={(e) => set({ servers: e.target.value })}
          data-testid="settings-nats-servers"
        />
      </label>
      <label>
        This laptop{' '}
        <select
          value={value.role}
          onChange={(e) => set({ role: e.target.value as NatsSyncSettings['role'] })}
          data-testid="settings-nats-role"
        >
          <option value="venue">syncs one venue</option>
          <option value="central">is the operations centre (reads venues)</option>
        </select>
      </label>
      {value.role === 'venue' ? (
        <label>
          Venue (event) id
          <input
            type="text"
            value={value.venue}
            placeholder="north-stadium"
            onChange={(e) => set({ venue: e.target.value })}
            data-testid="settings-nats-venue"
          />
        </label>
      ) : (
        <label>
          Venues to read (comma-separated)
          <input
            type="text"
            value={value.centralVenues.join(', ')}
            placeholder="north-stadium, south-arena"
            onChange={(e) =>
              set({
                centralVenues: e.target.value
                  .split(',')
                  .map((v) => v.trim())
                  .filter(Boolean),
              })
            }
            data-testid="settings-nats-central-venues"
          />
        </label>
      )}
      <label>
        Authentication{' '}
        <select
          value={value.auth}
          onChange={(e) => set({ auth: e.target.value as NatsAuthKind })}
          data-testid="settings-nats-auth"
        >
          {(Object.keys(AUTH_LABELS) as NatsAuthKind[]).map((k) => (
            <option key={k} value={k}>
              {AUTH_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      {value.auth === 'user' ? (
        <label>
          User
          <input
            type="text"
            autoComplete="off"
            value={value.user}
            onChange={(e) => set({ user: e.target.value })}
            data-testid="settings-nats-user"
          />
        </label>
      ) : null}
      {kind ? <SecretField api={api} kind={kind} status={secret} run={run} /> : null}
      <label>
        CA file (PEM) for tls:// servers signed by your own CA
        <input
          type="text"
          value={value.caFile}
          placeholder="/etc/gate-ops/nats-ca.pem (empty: the system's CAs)"
          onChange={(e) => set({ caFile: e.target.value })}
          data-testid="settings-nats-ca"
        />
      </label>
      <label className="row threshold">
        <span className="grow">Replicas when this laptop creates the venue stream</span>
        <input
          type="number"
          min={1}
          max={5}
          step={1}
          value={value.replicas}
          onChange={(e) => set({ replicas: Math.round(Number(e.target.value)) })}
          data-testid="settings-nats-replicas"
        />
        <span className="muted">(3 on a 3-node cluster)</span>
      </label>
    </fieldset>
  );
}

/** The write-only secret: typed (a password) or read from a file (creds, nkey seed). */
function SecretField(props: {
  api: GateOpsApi;
  kind: NatsSecretKind;
  status: NatsSecretStatus;
  run: (what: string, fn: () => Promise<unknown>) => Promise<void>;
}) {
  const { api, kind, status, run } = props;
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const name = SECRET_NAMES[kind];
  const save = async (value: string) => {
    const p = natsSecretProblem(kind, value);
    if (p) {
      setProblem(`The ${name} ${p}.`);
      return;
    }
    setProblem(null);
    await run(`NATS ${name}`, () => api.setNatsSecret({ kind, value }));
  };
  const mismatch = status.isSet && status.kind !== kind;
  return (
    <div data-testid="settings-nats-secret">
      <p className="muted" data-testid="settings-nats-secret-status">
        {status.isSet
          ? mismatch
            ? `A NATS ${status.kind ? SECRET_NAMES[status.kind] : 'secret'} is saved, but this authentication needs a ${name}.`
            : `The ${name} is set (${status.source}).`
          : `No ${name} is saved.`}
        {status.note ? ` — ${status.note}` : ''}
      </p>
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
      {status.canChange ? (
        <div className="row">
          {kind === 'password' ? (
            <>
              <input
                type="password"
                autoComplete="off"
                aria-label="NATS password"
                placeholder="New password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid="settings-nats-password"
              />
              <button
                type="button"
                className="btn"
                disabled={password === ''}
                onClick={() => void save(password).then(() => setPassword(''))}
                data-testid="settings-nats-set-password"
              >
                Set password
              </button>
            </>
          ) : (
            <>
              <input
                ref={file}
                type="file"
                aria-label={`NATS ${name}`}
                data-testid="settings-nats-secret-file"
                onChange={(e) => {
                  const chosen = e.target.files?.[0];
                  if (!chosen) return;
                  void chosen
                    .text()
                    .then(save, (error: unknown) =>
                      setProblem(`Cannot read ${chosen.name}: ${String(error)}`),
                    )
                    .finally(() => {
                      if (file.current) file.current.value = '';
                    });
                }}
              />
            </>
          )}
          {status.isSet ? (
            <button
              type="button"
              className="btn"
              onClick={() => void run('NATS secret removal', () => api.clearNatsSecret({}))}
              data-testid="settings-nats-clear-secret"
            >
              Clear
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
