/**
 * Devices: current session and gate, last scan, last seen (per device), scans in the last 5/15
 * min, upload lag, status; filtered by gate and session, sorted by any column (main sorts).
 * Sorting by upload lag puts working devices that lag first and ended ones, whose lag is stale,
 * last.
 */
import { useState } from 'react';
import {
  DEVICE_SORTS,
  type DeviceSort,
  type DevicesPage,
  type DeviceVm,
} from '../../../shared/api/channels/activity';
import { naturalDirection } from '../../../shared/domain/activity-pages';
import { Chip, CountTitle, StatusPill } from '../components/bits';
import { idColumn, VirtualTable, type Column } from '../components/virtual-table';
import { useWatch } from '../hooks/use-watch';
import { duration, num, useFormat } from '../format';
import type { DrillDownViewProps } from '../nav';
import { useViewSort } from '../state/view-sort';

const ANY = '\u0000any';

export function DevicesView({ api, nav, navigate }: DrillDownViewProps) {
  const fmt = useFormat();
  const [sort, toggle] = useViewSort<DeviceSort>(
    'devices',
    DEVICE_SORTS,
    { key: 'device', dir: 'asc' },
    naturalDirection,
  );
  const [laggingOnly, setLaggingOnly] = useState(false);
  const request = {
    ...(nav.gate !== undefined ? { gate: nav.gate } : {}),
    ...(nav.sessionId !== undefined ? { sessionId: nav.sessionId } : {}),
    sort: sort.key,
    dir: sort.dir,
    laggingOnly,
    limit: 500,
  };
  const page = useWatch<DevicesPage>((l) => api.watchDevices(request, l), JSON.stringify(request));
  const rows = page?.rows ?? [];
  const columns: Column<DeviceVm>[] = [
    idColumn(
      'device',
      'Device',
      'minmax(6.5rem, 1.4fr)',
      (d) => d.deviceId,
      '(no device id)',
      'device',
    ),
    {
      key: 'status',
      header: 'Status',
      width: '6rem',
      sort: 'status',
      render: (d) => <StatusPill status={d.status} />,
    },
    idColumn('gate', 'Gate', 'minmax(4.5rem, 1fr)', (d) => d.gate, undefined, 'gate'),
    idColumn(
      'session',
      'Current session',
      'minmax(7rem, 1.6fr)',
      (d) => d.sessionId,
      undefined,
      'session',
    ),
    {
      key: 'lag',
      header: 'Upload lag',
      title: 'received minus checked-in time of its latest upload',
      width: '6.5rem',
      align: 'right',
      sort: 'lag',
      render: (d) => (
        <span
          className={d.lagging ? 'bad-text' : undefined}
          data-testid="device-lag"
          title={
            d.lagging
              ? `Lagging: its latest upload was ${duration(d.behindMs)} behind the rest of the venue; it may be buffering offline`
              : 'Received minus checked-in time of its latest upload'
          }
        >
          {duration(d.uploadLagMs)}
        </span>
      ),
    },
    {
      key: 'l5',
      header: '5 min',
      title: 'scans in the last 5 minutes',
      width: '4.2rem',
      align: 'right',
      sort: 'last5',
      render: (d) => num(d.last5),
    },
    {
      key: 'l15',
      header: '15 min',
      title: 'scans in the last 15 minutes',
      width: '4.2rem',
      align: 'right',
      sort: 'last15',
      render: (d) => num(d.last15),
    },
    {
      key: 'last',
      header: 'Last scan',
      width: '7rem',
      sort: 'lastScan',
      render: (d) => fmt.when(d.lastScanAt),
    },
    {
      key: 'seen',
      header: 'Last seen',
      title: 'the latest moment this device is known to have worked (its newest scan or upload)',
      width: '7rem',
      sort: 'lastSeen',
      render: (d) => <span data-testid="device-seen">{fmt.when(d.lastSeenAt)}</span>,
    },
    {
      key: 'count',
      header: 'Scans',
      width: '5rem',
      align: 'right',
      sort: 'count',
      render: (d) => num(d.count),
    },
  ];
  const setFilter = (field: 'gate' | 'sessionId', value: string) =>
    navigate({ ...nav, [field]: value === ANY ? undefined : value });
  return (
    <div className="view">
      <div className="toolbar">
        <CountTitle title="Devices" count={page ? page.total : null} testId="devices-total" />
        <label>
          Gate{' '}
          <select
            value={nav.gate ?? ANY}
            onChange={(e) => setFilter('gate', e.target.value)}
            data-testid="devices-gate"
          >
            <option value={ANY}>All gates</option>
            {(page?.gates ?? []).map((g) => (
              <option key={g} value={g}>
                {g || '(no gate)'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Session{' '}
          <select
            value={nav.sessionId ?? ANY}
            onChange={(e) => setFilter('sessionId', e.target.value)}
            data-testid="devices-session"
          >
            <option value={ANY}>All sessions</option>
            {nav.sessionId !== undefined && !(page?.sessions ?? []).includes(nav.sessionId) ? (
              <option value={nav.sessionId}>{nav.sessionId}</option>
            ) : null}
            {(page?.sessions ?? []).map((s) => (
              <option key={s} value={s}>
                {s || '(none)'}
              </option>
            ))}
          </select>
        </label>
        {nav.deviceId !== undefined ? (
          <Chip
            label={`Device ${nav.deviceId || '(none)'}`}
            onClear={() => navigate({ ...nav, deviceId: undefined })}
          />
        ) : null}
        <label className="check">
          <input
            type="checkbox"
            checked={laggingOnly}
            onChange={(e) => setLaggingOnly(e.target.checked)}
            data-testid="devices-lagging"
          />{' '}
          Lagging only
        </label>
      </div>
      <VirtualTable
        label="Devices"
        testId="devices"
        count={rows.length}
        row={(i) => rows[i]}
        rowKey={(d) => d.deviceId}
        columns={columns}
        sort={sort}
        onSort={(k) => toggle(k as DeviceSort)}
        rowClass={(d) => (d.lagging ? 'row-bad' : d.status === 'idle' ? 'row-warn' : undefined)}
        onActivate={(d) => navigate({ view: 'sessions', deviceId: d.deviceId })}
        empty={page ? 'No device matches.' : 'Loading…'}
      />
    </div>
  );
}
