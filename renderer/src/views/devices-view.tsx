/** Devices: current session and gate, last seen, scans in the last 5/15 min, upload lag, status. */
import { useState } from 'react';
import type { DevicesPage, DeviceVm } from '../../../shared/api/channels/activity';
import { Chip, CountTitle, StatusPill } from '../components/bits';
import { idColumn, VirtualTable, type Column } from '../components/virtual-table';
import { useWatch } from '../hooks/use-watch';
import { duration, num, useFormat } from '../format';
import type { DrillDownViewProps } from '../nav';

export function DevicesView({ api, nav, navigate }: DrillDownViewProps) {
  const fmt = useFormat();
  const [sort, setSort] = useState<'device' | 'lastScan' | 'lag' | 'count'>('device');
  const [laggingOnly, setLaggingOnly] = useState(false);
  const request = {
    ...(nav.gate !== undefined ? { gate: nav.gate } : {}),
    sort,
    laggingOnly,
    limit: 500,
  };
  const page = useWatch<DevicesPage>((l) => api.watchDevices(request, l), JSON.stringify(request));
  const rows = page?.rows ?? [];
  const columns: Column<DeviceVm>[] = [
    idColumn('device', 'Device', 'minmax(8rem, 2fr)', (d) => d.deviceId, '(no device id)'),
    {
      key: 'status',
      header: 'Status',
      width: '6.5rem',
      render: (d) => <StatusPill status={d.status} />,
    },
    idColumn('gate', 'Gate', 'minmax(5rem, 1fr)', (d) => d.gate),
    idColumn('session', 'Current session', 'minmax(8rem, 2fr)', (d) => d.sessionId),
    { key: 'last', header: 'Last scan', width: '7.5rem', render: (d) => fmt.time(d.lastScanAt) },
    { key: 'seen', header: 'Last seen', width: '7.5rem', render: (d) => fmt.time(d.lastSeenAt) },
    { key: 'l5', header: '5 min', width: '4.5rem', align: 'right', render: (d) => num(d.last5) },
    { key: 'l15', header: '15 min', width: '4.5rem', align: 'right', render: (d) => num(d.last15) },
    {
      key: 'lag',
      header: 'Upload lag',
      width: '7rem',
      align: 'right',
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
  ];
  return (
    <div className="view">
      <div className="toolbar">
        <CountTitle title="Devices" count={page ? page.total : null} testId="devices-total" />
        {nav.gate !== undefined ? (
          <Chip
            label={`Gate ${nav.gate || '(none)'}`}
            onClear={() => navigate({ ...nav, gate: undefined })}
          />
        ) : null}
        <label>
          Sort{' '}
          <select value={sort} onChange={(e) => setSort(e.target.value as typeof sort)}>
            <option value="device">Device</option>
            <option value="lastScan">Last scan</option>
            <option value="lag">Upload lag</option>
            <option value="count">Scans</option>
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={laggingOnly}
            onChange={(e) => setLaggingOnly(e.target.checked)}
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
        rowClass={(d) => (d.lagging ? 'row-bad' : d.status === 'idle' ? 'row-warn' : undefined)}
        onActivate={(d) => navigate({ view: 'sessions', deviceId: d.deviceId })}
        empty={page ? 'No device matches.' : 'Loading…'}
      />
    </div>
  );
}
