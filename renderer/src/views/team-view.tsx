/**
 * The venue's laptops: this laptop's role (hub, joined, off), the join code (text + QR) when it
 * is the hub, and every laptop seen with its link, relay, check-ins and how far behind the hub
 * it is. Becoming the hub, joining with a code and leaving are here too; venue sync over NATS,
 * when it runs, below the laptops.
 */
import { useState } from 'react';
import type { GateOpsApi } from '../../../shared/api/methods';
import type { SyncStatus, TeamLaptop } from '../../../shared/api/channels/sync';
import { useWatch } from '../hooks/use-watch';
import { duration, num, useFormat } from '../format';
import { NatsPanel } from './team-nats-panel';
import './team-view.css';

const RELAY_TEXT: Record<string, string> = {
  live: 'live',
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  offline: 'offline',
  'auth-failed': 'token refused',
  none: 'no relay (venue only)',
};

export function TeamView({ api }: { api: GateOpsApi }) {
  const status = useWatch<SyncStatus>((l) => api.watchSyncStatus({}, l), 'sync');
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const run = (what: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    what()
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  if (!status) return <p className="muted">Loading venue sync…</p>;
  return (
    <section className="team-view" data-testid="team-view" data-role={status.role}>
      <h1>Team</h1>
      <RoleLine status={status} />
      {error && (
        <p className="team-error" role="alert" data-testid="team-error">
          {error}
        </p>
      )}
      {status.role === 'hub' && <JoinCodePanel api={api} status={status} />}
      {status.role !== 'hub' && (
        <form
          className="team-join"
          onSubmit={(e) => {
            e.preventDefault();
            run(() => api.joinHub({ code }));
          }}
        >
          <label>
            Join code from the hub
            <input
              data-testid="join-code-input"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              placeholder="gateops-join:1/…"
              spellCheck={false}
            />
          </label>
          <button type="submit" disabled={busy || code.trim() === ''} data-testid="join-button">
            Join
          </button>
        </form>
      )}
      <div className="team-actions">
        {status.role !== 'hub' && (
          <button
            type="button"
            disabled={busy}
            data-testid="become-hub"
            onClick={() => run(() => api.becomeHub({ port: 0 }))}
          >
            Make this laptop the venue hub
          </button>
        )}
        {status.role !== 'off' && (
          <button type="button" disabled={busy} onClick={() => run(() => api.leaveVenueSync({}))}>
            Leave venue sync
          </button>
        )}
      </div>
      <TeamTable laptops={status.laptops} />
      {status.nats && <NatsPanel nats={status.nats} />}
    </section>
  );
}

function RoleLine({ status }: { status: SyncStatus }) {
  const fmt = useFormat();
  let text: string;
  let tone = 'good';
  if (status.role === 'off') {
    text = status.nats
      ? 'No LAN venue hub: this laptop shares its data over NATS (below).'
      : 'Venue sync is off: this laptop works on its own relay link only.';
    tone = 'muted';
  } else if (status.role === 'hub') {
    const n = status.hub?.connectedLaptops ?? 0;
    text = `This laptop is the venue hub (port ${status.hub?.port ?? '?'}); ${n} ${n === 1 ? 'laptop' : 'laptops'} joined.`;
  } else {
    const link = status.link;
    if (link?.state === 'live') {
      text = `Joined to the hub${link.hubName ? ` "${link.hubName}"` : ''}. In sync through ${status.inSyncThrough === null ? '—' : fmt.when(status.inSyncThrough)}; ${num(status.pending)} waiting to be sent.`;
    } else if (link?.state === 'refused') {
      text = `The hub refused this laptop: ${link.reason ?? ''}`;
      tone = 'bad';
    } else {
      text = `Venue sync is DOWN since ${fmt.when(link?.since ?? null)}${link?.reason ? ` (${link.reason})` : ''}: this laptop keeps working on its own relay link and retries${link?.nextTryAt ? ` at ${fmt.time(link.nextTryAt)}` : ''}.`;
      tone = 'bad';
    }
  }
  return (
    <p className={`team-role team-role-${tone}`} data-testid="team-role">
      <strong>{status.laptopName}</strong> — {text}
    </p>
  );
}

function JoinCodePanel({ api, status }: { api: GateOpsApi; status: SyncStatus }) {
  const qr = useWatch<{ text: string; size: number; modules: string } | null>((l) => {
    let live = true;
    void api.getJoinCode({}).then((c) => live && l(c));
    return () => {
      live = false;
    };
  }, status.hub?.joinCode ?? '');
  return (
    <div className="join-code" data-testid="join-code">
      {qr && <QrCode size={qr.size} modules={qr.modules} />}
      <div>
        <p>Other laptops join with this code (paste it, or scan the QR code):</p>
        <code data-testid="join-code-text">{status.hub?.joinCode}</code>
        <p>
          <button type="button" onClick={() => void api.newJoinCode({})}>
            New code (cuts every laptop paired with this one)
          </button>
        </p>
      </div>
    </div>
  );
}

/** The QR modules as one SVG path (no image, no inline script: fits the strict CSP). */
function QrCode({ size, modules }: { size: number; modules: string }) {
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++)
      if (modules[y * size + x] === '1') d += `M${x + 4} ${y + 4}h1v1h-1z`;
  }
  const box = size + 8;
  return (
    <svg
      className="qr"
      viewBox={`0 0 ${box} ${box}`}
      width={box * 5}
      height={box * 5}
      role="img"
      aria-label="join code as a QR code"
      shapeRendering="crispEdges"
    >
      <rect width={box} height={box} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

function TeamTable({ laptops }: { laptops: TeamLaptop[] }) {
  const fmt = useFormat();
  if (laptops.length === 0) return <p className="muted">No other laptop seen yet.</p>;
  return (
    <table className="team-table" data-testid="team-table">
      <thead>
        <tr>
          <th>Laptop</th>
          <th>Role</th>
          <th>Link</th>
          <th>Relay</th>
          <th className="num">Check-ins</th>
          <th className="num">Waiting</th>
          <th>Behind the hub</th>
        </tr>
      </thead>
      <tbody>
        {laptops.map((l) => (
          <tr key={l.laptopId} data-testid="team-row" data-connected={l.connected}>
            <td>
              {l.name}
              {l.isThisLaptop && <span className="muted"> (this laptop)</span>}
            </td>
            <td>{l.role === 'hub' ? 'hub' : 'joined'}</td>
            <td>{l.connected ? 'connected' : `last contact ${fmt.when(l.lastContactAt)}`}</td>
            <td>{l.relay === null ? '—' : (RELAY_TEXT[l.relay] ?? l.relay)}</td>
            <td className="num">{l.checkins === null ? '—' : num(l.checkins)}</td>
            <td className="num">{l.pending === null ? '—' : num(l.pending)}</td>
            <td>
              {l.behindMs === null ? '—' : l.behindMs < 1000 ? 'in sync' : duration(l.behindMs)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
