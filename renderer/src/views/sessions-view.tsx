/**
 * Scanner sessions, filtered by gate or device and sorted by any column (main sorts, the view
 * keeps the choice); a session opens its check-ins. Paged as it scrolls (a festival has
 * thousands); the pages in view are re-read when the head of the list changes and every few
 * seconds (statuses move with time).
 */
import { useEffect, useState } from 'react';
import {
  SESSION_SORTS,
  type ActivityStatus,
  type SessionSort,
  type SessionsPage,
  type SessionVm,
} from '../../../shared/api/channels/activity';
import { naturalDirection } from '../../../shared/domain/activity-pages';
import { Chip, CountTitle, StatusPill } from '../components/bits';
import { idColumn, VirtualTable, type Column } from '../components/virtual-table';
import { usePagedList } from '../hooks/use-paged-list';
import { useWatch } from '../hooks/use-watch';
import { num, rate, useFormat } from '../format';
import type { DrillDownViewProps } from '../nav';
import { useViewSort } from '../state/view-sort';

export function SessionsView({ api, nav, navigate }: DrillDownViewProps) {
  const fmt = useFormat();
  const [status, setStatus] = useState<ActivityStatus | ''>('');
  const [sort, toggle] = useViewSort<SessionSort>(
    'sessions',
    SESSION_SORTS,
    { key: 'lastScan', dir: 'desc' },
    naturalDirection,
  );
  const request = {
    ...(nav.gate !== undefined ? { gate: nav.gate } : {}),
    ...(nav.deviceId !== undefined ? { deviceId: nav.deviceId } : {}),
    ...(status ? { status } : {}),
    sort: sort.key,
    dir: sort.dir,
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
    idColumn('session', 'Session', 'minmax(9rem, 2fr)', (s) => s.sessionId, undefined, 'session'),
    {
      key: 'status',
      header: 'Status',
      width: '6.5rem',
      sort: 'status',
      render: (s) => <StatusPill status={s.status} />,
    },
    idColumn('device', 'Device', 'minmax(6rem, 1fr)', (s) => s.deviceId, undefined, 'device'),
    idColumn('gate', 'Gate', 'minmax(5rem, 1fr)', (s) => s.gate, undefined, 'gate'),
    {
      key: 'count',
      header: 'Scans',
      width: '5.5rem',
      align: 'right',
      sort: 'count',
      render: (s) => num(s.count),
    },
    {
      key: 'rate',
      header: 'Per min',
      title: 'scans per minute over the last 5 minutes',
      width: '5.5rem',
      align: 'right',
      sort: 'rate',
      render: (s) => rate(s.ratePerMin),
    },
    {
      key: 'avg',
      header: 'Avg/min',
      title: 'average scans per minute over the whole session (first to last scan)',
      width: '5.5rem',
      align: 'right',
      sort: 'avgRate',
      render: (s) => rate(s.avgPerMin),
    },
    {
      key: 'first',
      header: 'First scan',
      width: '7.5rem',
      sort: 'firstScan',
      render: (s) => fmt.when(s.firstScanAt),
    },
    {
      key: 'last',
      header: 'Last scan',
      width: '7.5rem',
      sort: 'lastScan',
      render: (s) => fmt.when(s.lastScanAt),
    },
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
            testId="filter-device"
            label={`Device ${nav.deviceId || '(none)'}`}
            onClear={() => navigate({ ...nav, deviceId: undefined })}
          />
        ) : null}
        <label>
          Status{' '}
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as ActivityStatus | '')}
            data-testid="sessions-status"
          >
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="idle">Idle</option>
            <option value="ended">Ended</option>
          </select>
        </label>
        <span className="muted">Per min = last 5 minutes; Avg/min = whole session.</span>
      </div>
      <VirtualTable
        label="Scanner sessions"
        testId="sessions"
        count={list.total ?? 0}
        row={list.row}
        onRange={list.onRange}
        rowKey={(s) => s.sessionId}
        columns={columns}
        sort={sort}
        onSort={(k) => toggle(k as SessionSort)}
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
