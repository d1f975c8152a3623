/**
 * Quarantine and conflicts: every rejected message with its reasons and raw text, and beside it
 * every conflicting redelivery (a known check-in that came back with other content; the stored
 * one was kept) with both versions. The totals line says how many harmless redeliveries came
 * too, so nothing of what the relay sent is only visible in `gate-ops stats`.
 */
import { useState } from 'react';
import type {
  ConflictDetail,
  ConflictRow,
  QuarantineRow,
} from '../../../shared/api/channels/quarantine';
import type { Health } from '../../../shared/api/channels/status';
import type { GateOpsApi } from '../../../shared/api/methods';
import { CountTitle, Id } from '../components/bits';
import { DetailPanel } from '../components/detail-panel';
import { idColumn, VirtualTable, type Column } from '../components/virtual-table';
import { usePagedList } from '../hooks/use-paged-list';
import { useWatch } from '../hooks/use-watch';
import { num, useFormat } from '../format';
import type { DrillDownViewProps } from '../nav';

type Detail = QuarantineRow & { text: string; key?: string };

function pretty(text: string | null): string {
  if (text === null) return '(the stored check-in was not found)';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function QuarantineView({ api, nav, navigate }: DrillDownViewProps) {
  const health = useWatch<Health>((l) => api.watchHealth({}, l), 'q-health');
  const tab = nav.tab === 'conflict' ? 'conflict' : 'quarantine';
  const t = health?.totals;
  return (
    <div className="view">
      <div className="tabs" role="tablist" aria-label="Quarantine and conflicts">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'quarantine'}
          className={`tab${tab === 'quarantine' ? ' current' : ''}`}
          data-testid="quarantine-tab-quarantine"
          onClick={() => navigate({ view: 'quarantine' })}
        >
          Quarantined {t ? `(${num(t.quarantined)})` : ''}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'conflict'}
          className={`tab${tab === 'conflict' ? ' current' : ''}`}
          data-testid="quarantine-tab-conflicts"
          onClick={() => navigate({ view: 'quarantine', tab: 'conflict' })}
        >
          Conflicts {t ? `(${num(t.conflicts)})` : ''}
        </button>
        <span className="muted tabs-note" data-testid="redelivery-total">
          {t
            ? `Also ${num(t.redelivered)} redeliveries: the same check-in sent again with the same content, stored once.`
            : ''}
        </span>
      </div>
      {tab === 'quarantine' ? (
        <QuarantineList api={api} refresh={t?.quarantined} />
      ) : (
        <ConflictList api={api} refresh={t?.conflicts} />
      )}
    </div>
  );
}

function QuarantineList({ api, refresh }: { api: GateOpsApi; refresh: unknown }) {
  const fmt = useFormat();
  const [detail, setDetail] = useState<Detail | null>(null);
  const list = usePagedList<QuarantineRow>(
    (offset, limit) => api.listQuarantine({ offset, limit }),
    'quarantine',
    refresh,
  );
  const columns: Column<QuarantineRow>[] = [
    { key: 'time', header: 'Received', width: '8rem', render: (r) => fmt.when(r.receivedAt) },
    idColumn('code', 'Reason', 'minmax(9rem, 1fr)', (r) => r.code),
    {
      key: 'msg',
      header: 'Detail',
      width: 'minmax(12rem, 2fr)',
      render: (r) => (
        <Id value={r.reasons.map((x) => `${x.path ? `${x.path}: ` : ''}${x.message}`).join('; ')} />
      ),
    },
    {
      key: 'raw',
      header: 'Raw (start)',
      width: 'minmax(12rem, 2fr)',
      render: (r) => (
        <code className="id" title={r.preview}>
          {r.preview}
        </code>
      ),
    },
    { key: 'size', header: 'Bytes', width: '6rem', align: 'right', render: (r) => num(r.size) },
  ];
  return (
    <div className="view-split grow">
      <div className="view-main">
        <div className="toolbar">
          <CountTitle title="Quarantine" count={list.total} testId="quarantine-total" />
          <span className="muted">
            Messages that failed validation are never dropped: they wait here with the reason.
          </span>
        </div>
        <VirtualTable
          label="Quarantined messages"
          testId="quarantine"
          count={list.total ?? 0}
          row={list.row}
          rowKey={(r) => r.id}
          columns={columns}
          onRange={list.onRange}
          onActivate={(r) => void api.getQuarantined({ id: r.id }).then(setDetail)}
          empty={list.total === null ? 'Loading…' : 'Nothing in quarantine.'}
        />
      </div>
      {detail ? (
        <DetailPanel
          title="Quarantined message"
          label="Quarantined message"
          testId="quarantine-detail"
          onClose={() => setDetail(null)}
        >
          <p>
            Received {fmt.dateTime(detail.receivedAt)} · {num(detail.size)} bytes
            {detail.truncated ? ' (truncated)' : ''}
          </p>
          <h3>Reasons</h3>
          <ul className="plain" data-testid="quarantine-reasons">
            {detail.reasons.map((r, i) => (
              <li key={i}>
                <code>{r.code}</code> {r.path ? <code>{r.path}</code> : null} {r.message}
              </li>
            ))}
          </ul>
          <h3>Raw payload</h3>
          <pre className="raw" data-testid="quarantine-raw">
            {detail.text}
          </pre>
        </DetailPanel>
      ) : null}
    </div>
  );
}

const ORIGIN_LABEL: Readonly<Record<ConflictRow['origin'], string>> = {
  relay: 'This laptop',
  peer: 'Another laptop',
  resolved: 'This laptop (replaced)',
};

const ORIGIN_DETAIL: Readonly<Record<ConflictRow['origin'], string>> = {
  relay: "Seen by this laptop's relay link.",
  peer: 'Seen by another laptop of the venue; it arrived over venue sync.',
  resolved:
    "This laptop had stored the other version; venue sync kept the hub's version and this laptop's is kept here.",
};

function ConflictList({ api, refresh }: { api: GateOpsApi; refresh: unknown }) {
  const fmt = useFormat();
  const [detail, setDetail] = useState<ConflictDetail | null>(null);
  const list = usePagedList<ConflictRow>(
    (offset, limit) => api.listConflicts({ offset, limit }),
    'conflicts',
    refresh,
  );
  const columns: Column<ConflictRow>[] = [
    { key: 'time', header: 'Received', width: '8rem', render: (r) => fmt.when(r.receivedAt) },
    {
      key: 'origin',
      header: 'Seen by',
      width: 'minmax(9rem, 1fr)',
      render: (r) => (
        <span title={ORIGIN_DETAIL[r.origin]} data-testid="conflict-origin">
          {ORIGIN_LABEL[r.origin]}
        </span>
      ),
    },
    idColumn('ticket', 'Ticket', 'minmax(8rem, 1fr)', (r) => r.ticketId),
    {
      key: 'changes',
      header: 'What differs',
      width: 'minmax(16rem, 3fr)',
      render: (r) => (
        <span className="id" title={r.changes.join('\n')} data-testid="conflict-changes">
          {r.changes.length ? r.changes.join(' · ') : r.preview}
        </span>
      ),
    },
    idColumn('key', 'Dedupe key', 'minmax(8rem, 1.2fr)', (r) => r.key),
    { key: 'size', header: 'Bytes', width: '6rem', align: 'right', render: (r) => num(r.size) },
  ];
  return (
    <div className="view-split grow">
      <div className="view-main">
        <div className="toolbar">
          <CountTitle title="Conflicts" count={list.total} testId="conflicts-total" />
          <span className="muted">
            A known check-in came back with different content. The first one stays stored; the other
            is kept here to compare. With venue sync, every laptop lists the conflicts any laptop
            saw.
          </span>
        </div>
        <VirtualTable
          label="Conflicting redeliveries"
          testId="conflicts"
          count={list.total ?? 0}
          row={list.row}
          rowKey={(r) => r.id}
          columns={columns}
          onRange={list.onRange}
          onActivate={(r) => void api.getConflict({ id: r.id }).then(setDetail)}
          empty={list.total === null ? 'Loading…' : 'No conflicting redeliveries.'}
        />
      </div>
      {detail ? (
        <DetailPanel
          title="Conflicting redelivery"
          label="Conflicting redelivery"
          testId="conflict-detail"
          onClose={() => setDetail(null)}
        >
          <p>
            Received {fmt.dateTime(detail.receivedAt)} · key <code>{detail.key}</code>
          </p>
          <p data-testid="conflict-detail-origin">{ORIGIN_DETAIL[detail.origin]}</p>
          {detail.changes.length ? (
            <>
              <h3>What differs</h3>
              <ul className="plain">
                {detail.changes.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>Stored (kept)</h3>
          <pre className="raw" data-testid="conflict-stored">
            {pretty(detail.storedRaw)}
          </pre>
          <h3>
            {detail.origin === 'resolved' ? "This laptop's version (replaced)" : 'Came back with'}
          </h3>
          <pre className="raw" data-testid="conflict-raw">
            {pretty(detail.text)}
          </pre>
        </DetailPanel>
      ) : null}
    </div>
  );
}
