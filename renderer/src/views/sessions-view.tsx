/**
 * Scanner sessions, newest activity first, filtered by gate or device; a session opens its
 * check-ins. Paged as it scrolls (a festival has thousands); the pages in view are re-read when
 * the head of the list changes and every few seconds (statuses move with time).
 */
import { useEffect, useState } from 'react';
import type {
  ActivityStatus,
  SessionsPage,
  SessionVm,
} from '../../../shared/api/channels/activity';
import { Chip, CountTitle, StatusPill } from '../components/bits';
import { idColumn, VirtualTable, type Column } from '../components/virtual-table';
import { usePagedList } from '../hooks/use-paged-list';
import { useWatch } from '../hooks/use-watch';
import { num, useFormat } from '../format';
import type { DrillDownViewProps } from '../nav';

export function SessionsView({ api, nav, navigate }: DrillDownViewProps) {
  const fmt = useFormat();
  const [status, setStatus] = useState<ActivityStatus | ''>('');
  const request = {
    ...(nav.gate !== undefined ? { gate: nav.gate } : {}),
    ...(nav.deviceId !== undefined ? { deviceId: nav.deviceId } : {}),
    ...(status ? { status } : {}),
  };
  const key = JSON.stringify(request);
  const head = useWatch<SessionsPage>((l) => api.watchSessions({ ...request, limit: 1 }, l), key);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 5000);
    return () => clearInterval(timer);
  }, []);
  const list = usePagedList<SessionVm>(
    (offset, limit) => api.getSessions({ ...request, offset, limit }),
    key,
    `${JSON.stringify(head)}|${tick}`,
  );
  const columns: Column<SessionVm>[] = [
    idColumn('session', 'Session', 'minmax(9rem, 2fr)', (s) => s.sessionId),
    {
      key: 'status',
      header: 'Status',
      width: '6.5rem',
      render: (s) => <StatusPill status={s.status} />,
    },
    idColumn('device', 'Device', 'minmax(7rem, 1fr)', (s) => s.deviceId),
    idColumn('gate', 'Gate', 'minmax(5rem, 1fr)', (s) => s.gate),
    { key: 'count', header: 'Scans', width: '6rem', align: 'right', render: (s) => num(s.count) },
    {
      key: 'rate',
      header: 'Per min',
      width: '5.5rem',
      align: 'right',
      render: (s) => num(s.ratePerMin),
    },
    { key: 'first', header: 'First scan', width: '7.5rem', render: (s) => fmt.time(s.firstScanAt) },
    { key: 'last', header: 'Last scan', width: '7.5rem', render: (s) => fmt.time(s.lastScanAt) },
  ];
  return (
    <div className="view">
      <div className="toolbar">
        <CountTitle title="Sessions" count={list.total} testId="sessions-total" />
        {nav.gate !== undefined ? (
          <Chip
            testId="filter-gate"
            label={`Gate ${nav.gate || '(none)'}`}
            onClear={() => navigate({ ...nav, gate: undefined })}
          />
        ) : null}
        {nav.deviceId !== undefined ? (
          <Chip
            label={`Device ${nav.deviceId || '(none)'}`}
            onClear={() => navigate({ ...nav, deviceId: undefined })}
          />
        ) : null}
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as ActivityStatus | '')}>
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="idle">Idle</option>
            <option value="ended">Ended</option>
          </select>
        </label>
      </div>
      <VirtualTable
        label="Scanner sessions"
        testId="sessions"
        count={list.total ?? 0}
        row={list.row}
        onRange={list.onRange}
        rowKey={(s) => s.sessionId}
        columns={columns}
        onActivate={(s) =>
          navigate({
            view: 'checkins',
            sessionId: s.sessionId,
            ...(nav.gate !== undefined ? { gate: nav.gate } : {}),
          })
        }
        empty={list.total === null ? 'Loading…' : 'No session matches.'}
      />
    </div>
  );
}
