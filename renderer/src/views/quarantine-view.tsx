/** Quarantine: every rejected message with its reasons and raw text, newest first. */
import { useState } from 'react';
import type { QuarantineRow } from '../../../shared/api/channels/quarantine';
import type { GateOpsApi } from '../../../shared/api/methods';
import { CountTitle, Id } from '../components/bits';
import { DetailPanel } from '../components/detail-panel';
import { idColumn, VirtualTable, type Column } from '../components/virtual-table';
import { usePagedList } from '../hooks/use-paged-list';
import { useWatch } from '../hooks/use-watch';
import { num, useFormat } from '../format';
import type { Overview } from '../../../shared/api/channels/activity';

type Detail = QuarantineRow & { text: string; key?: string };

export function QuarantineView({ api }: { api: GateOpsApi }) {
  const fmt = useFormat();
  const [detail, setDetail] = useState<Detail | null>(null);
  const overview = useWatch<Overview>((l) => api.watchOverview({ minutes: 10 }, l), 'q-overview');
  const list = usePagedList<QuarantineRow>(
    (offset, limit) => api.listQuarantine({ offset, limit }),
    'quarantine',
    overview?.totals.quarantined,
  );
  const columns: Column<QuarantineRow>[] = [
    { key: 'time', header: 'Received', width: '8rem', render: (r) => fmt.time(r.receivedAt) },
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
    <div className="view view-split">
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
