/** Every gate at a glance; a gate opens its sessions (drill-down gate → session → check-ins). */
import type { GateOpsApi } from '../../../shared/api/methods';
import type { GateVm } from '../../../shared/api/channels/activity';
import { idColumn, VirtualTable, type Column } from '../components/virtual-table';
import { useWatch } from '../hooks/use-watch';
import { num, useFormat } from '../format';
import type { Navigate } from '../nav';

export function GatesView({ api, navigate }: { api: GateOpsApi; navigate: Navigate }) {
  const fmt = useFormat();
  const gates = useWatch<{ rows: GateVm[] }>((l) => api.watchGates({}, l), 'gates');
  const rows = gates?.rows ?? [];
  const columns: Column<GateVm>[] = [
    idColumn('gate', 'Gate', 'minmax(8rem, 2fr)', (g) => g.gate, '(no gate)'),
    {
      key: 'count',
      header: 'Checked in',
      width: '8rem',
      align: 'right',
      render: (g) => num(g.count),
    },
    {
      key: 'rate',
      header: 'Per min',
      width: '6rem',
      align: 'right',
      render: (g) => num(g.ratePerMin),
    },
    {
      key: 'last5',
      header: 'Last 5 min',
      width: '7rem',
      align: 'right',
      render: (g) => num(g.last5),
    },
    {
      key: 'devices',
      header: 'Devices (active / idle / all)',
      width: '13rem',
      align: 'right',
      render: (g) => (
        <>
          {g.activeDevices} /{' '}
          <span className={g.idleDevices ? 'warn-text' : undefined}>{g.idleDevices}</span> /{' '}
          {g.devices}
        </>
      ),
    },
    {
      key: 'sessions',
      header: 'Sessions',
      width: '6rem',
      align: 'right',
      render: (g) => num(g.sessions),
    },
    { key: 'last', header: 'Last scan', width: '8rem', render: (g) => fmt.time(g.lastScanAt) },
  ];
  return (
    <div className="view">
      <div className="toolbar">
        <h2>Gates</h2>
        <span className="muted">Enter or click a gate to see its sessions.</span>
      </div>
      <VirtualTable
        label="Gates"
        testId="gates"
        count={rows.length}
        row={(i) => rows[i]}
        rowKey={(g) => g.gate}
        columns={columns}
        onActivate={(g) => navigate({ view: 'sessions', gate: g.gate })}
        empty={gates ? 'No gate has scanned yet.' : 'Loading…'}
      />
    </div>
  );
}
