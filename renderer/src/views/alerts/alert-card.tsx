/**
 * One alert: its severity in colour, icon and word (never colour alone), what happened, since
 * when, and for grouped alerts (re-entries of a quarter-hour, lagging devices) the list behind
 * the count, opened in place.
 */
import { useState } from 'react';
import type { AlertItem, AlertVm } from '../../../../shared/api/channels/alerts';
import { duration, num, useFormat } from '../../format';
import type { Navigate } from '../../nav';

export const KIND: Record<AlertVm['kind'], string> = {
  'relay-down': 'Relay down',
  'relay-auth': 'Relay token',
  'store-fault': 'Storage',
  'device-idle': 'Idle device',
  'upload-lag': 'Upload lag',
  reentry: 'Re-entries',
  conflict: 'Conflicts',
  quarantine: 'Quarantine',
};

export const SEVERITY: Record<AlertVm['severity'], { icon: string; word: string }> = {
  critical: { icon: '⬤', word: 'Critical' },
  warning: { icon: '▲', word: 'Warning' },
  info: { icon: 'i', word: 'Info' },
};

/** Where an alert leads: the list that explains it. */
export function openAlert(a: AlertVm, navigate: Navigate): void {
  if (a.kind === 'quarantine' || a.kind === 'conflict')
    navigate({ view: 'quarantine', tab: a.kind });
  else if (a.kind === 'reentry' && a.ticketId) navigate({ view: 'checkins', text: a.ticketId });
  else if (a.kind === 'reentry')
    navigate({ view: 'checkins', gate: a.gate ?? '', reentries: true });
  else if (a.deviceId) navigate({ view: 'sessions', deviceId: a.deviceId });
  else if (a.kind === 'upload-lag') navigate({ view: 'devices' });
  else if (a.kind === 'relay-auth') navigate({ view: 'settings' });
}

function itemTarget(item: AlertItem, navigate: Navigate): (() => void) | undefined {
  if (item.ticketId) return () => navigate({ view: 'checkins', text: item.ticketId });
  if (item.deviceId) return () => navigate({ view: 'sessions', deviceId: item.deviceId });
  return undefined;
}

export function AlertCard(props: {
  alert: AlertVm;
  navigate: Navigate;
  compact?: boolean;
  onAck?: (id: string) => void;
  busy?: boolean;
}) {
  const { alert: a, navigate, compact } = props;
  const fmt = useFormat();
  const [open, setOpen] = useState(false);
  const sev = SEVERITY[a.severity];
  const period =
    a.until !== undefined
      ? `${fmt.when(a.since)}–${fmt.minute(a.until)}`
      : `since ${fmt.when(a.since)}`;
  const items = a.items ?? [];
  return (
    <li
      className={`alert alert-${a.severity}${a.acknowledgedAt !== null ? ' acked' : ''}${a.clearedAt !== null ? ' cleared' : ''}`}
      data-testid="alert"
      data-kind={a.kind}
      data-severity={a.severity}
      data-alert-id={a.id}
      data-count={a.count ?? 1}
    >
      <span className="alert-icon" aria-hidden>
        {sev.icon}
      </span>
      <div className="alert-main">
        <span className="alert-sev" data-testid="alert-severity">
          {sev.word}
        </span>
        <span className="alert-kind">{KIND[a.kind]}</span>
        <button
          type="button"
          className="link alert-title"
          onClick={() => openAlert(a, navigate)}
          title={a.title}
        >
          {a.title}
        </button>
        {compact ? null : <p className="alert-detail">{a.detail}</p>}
        <span className="alert-since">
          {period}
          {a.clearedAt !== null ? (
            <>
              {' '}
              · cleared {fmt.when(a.clearedAt)} ({duration(a.clearedAt - a.since)})
            </>
          ) : null}
        </span>
        {!compact && items.length > 0 ? (
          <button
            type="button"
            className="link alert-more"
            aria-expanded={open}
            data-testid="alert-items-toggle"
            onClick={() => setOpen((o) => !o)}
          >
            {open ? 'Hide the list' : `Show the list (${num(a.count ?? items.length)})`}
          </button>
        ) : null}
        {open ? (
          <ul className="alert-items" data-testid="alert-items">
            {items.map((item, i) => {
              const go = itemTarget(item, navigate);
              return (
                <li key={i}>
                  {item.at !== undefined ? (
                    <span className="muted">{fmt.when(item.at)} </span>
                  ) : null}
                  {go ? (
                    <button type="button" className="link" onClick={go}>
                      {item.label}
                    </button>
                  ) : (
                    item.label
                  )}
                </li>
              );
            })}
            {a.count !== undefined && a.count > items.length ? (
              <li className="muted">and {num(a.count - items.length)} earlier</li>
            ) : null}
          </ul>
        ) : null}
      </div>
      {a.acknowledgedAt === null && a.clearedAt === null && props.onAck ? (
        <button
          type="button"
          className="btn"
          data-testid="alert-ack"
          disabled={props.busy}
          onClick={() => props.onAck?.(a.id)}
        >
          Acknowledge
        </button>
      ) : a.acknowledgedAt !== null ? (
        <span className="muted alert-acked">acknowledged {fmt.when(a.acknowledgedAt)}</span>
      ) : null}
    </li>
  );
}
