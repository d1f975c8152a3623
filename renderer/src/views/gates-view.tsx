/**
 * Every gate at a glance: scans in the last 5 / 15 / 30 / 60 minutes, the last hour as a
 * sparkline, the product mix and devices; sortable by any column (the sort is kept).
 * "Per product" shows one column per product instead. A gate opens its sessions (drill-down
 * gate → session → check-ins).
 */
import { useMemo, useState } from 'react';
import type { GateOpsApi } from '../../../shared/api/methods';
import type { GateVm } from '../../../shared/api/channels/activity';
import { ProductMix } from '../components/product-mix';
import { Sparkline } from '../components/sparkline';
import { idColumn, VirtualTable, type Column } from '../components/virtual-table';
import { useWatch } from '../hooks/use-watch';
import { num, rate, useFormat } from '../format';
import type { Navigate } from '../nav';
import { useViewSort, type SortDir } from '../state/view-sort';

const natural = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

const FIGURES: Record<string, (g: GateVm) => number> = {
  count: (g) => g.count,
  rate: (g) => g.ratePerMin,
  last5: (g) => g.last5,
  last15: (g) => g.last15,
  last30: (g) => g.last30,
  last60: (g) => g.last60,
  devices: (g) => g.devices,
  sessions: (g) => g.sessions,
  lastScan: (g) => g.lastScanAt ?? 0,
};

const productCount = (g: GateVm, id: string) =>
  g.products.find((p) => p.productId === id)?.count ?? 0;

function sortGates(rows: GateVm[], key: string, dir: SortDir): GateVm[] {
  const sign = dir === 'asc' ? 1 : -1;
  const value: ((g: GateVm) => number) | undefined = key.startsWith('product:')
    ? (g) => productCount(g, key.slice('product:'.length))
    : FIGURES[key];
  return [...rows].sort((a, b) =>
    value
      ? sign * (value(a) - value(b)) || natural(a.gate, b.gate)
      : sign * natural(a.gate, b.gate),
  );
}

const windowColumn = (
  key: 'last5' | 'last15' | 'last30' | 'last60',
  minutes: number,
): Column<GateVm> => ({
  key,
  header: `${minutes} min`,
  title: `scans in the last ${minutes} minutes`,
  width: '4.2rem',
  align: 'right',
  sort: key,
  render: (g) => num(g[key]),
});

export function GatesView({ api, navigate }: { api: GateOpsApi; navigate: Navigate }) {
  const fmt = useFormat();
  const gates = useWatch<{ rows: GateVm[] }>((l) => api.watchGates({}, l), 'gates');
  const [perProduct, setPerProduct] = useState(false);
  const [sort, toggle] = useViewSort<string>('gates', null, { key: 'last5', dir: 'desc' }, (k) =>
    k === 'gate' ? 'asc' : 'desc',
  );
  const rows = useMemo(() => sortGates(gates?.rows ?? [], sort.key, sort.dir), [gates, sort]);
  const products = useMemo(() => {
    const totals = new Map<string, number>();
    for (const g of gates?.rows ?? [])
      for (const p of g.products) totals.set(p.productId, (totals.get(p.productId) ?? 0) + p.count);
    return [...totals].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  }, [gates]);

  const gate = idColumn<GateVm>(
    'gate',
    'Gate',
    'minmax(5.5rem, 1.2fr)',
    (g) => g.gate,
    '(no gate)',
    'gate',
  );
  const count: Column<GateVm> = {
    key: 'count',
    header: 'Checked in',
    width: '6rem',
    align: 'right',
    sort: 'count',
    render: (g) => num(g.count),
  };
  const columns: Column<GateVm>[] = perProduct
    ? [
        gate,
        count,
        ...products.map((id): Column<GateVm> => ({
          key: `product:${id}`,
          header: id,
          width: 'minmax(6rem, 1fr)',
          align: 'right',
          sort: `product:${id}`,
          render: (g) => num(productCount(g, id)),
        })),
      ]
    : [
        gate,
        count,
        {
          key: 'rate',
          header: 'Per min',
          title: 'scans per minute over the last 5 minutes',
          width: '4.8rem',
          align: 'right',
          sort: 'rate',
          render: (g) => rate(g.ratePerMin),
        },
        windowColumn('last5', 5),
        windowColumn('last15', 15),
        windowColumn('last30', 30),
        windowColumn('last60', 60),
        {
          key: 'spark',
          header: 'Last hour',
          title: 'scans per minute over the last hour',
          width: '6.5rem',
          render: (g) => (
            <Sparkline
              values={g.spark}
              label={`Gate ${g.gate}: ${num(g.last60)} scans in the last hour`}
            />
          ),
        },
        {
          key: 'products',
          header: 'Products',
          width: 'minmax(11.5rem, 2fr)',
          render: (g) => <ProductMix products={g.products} />,
        },
        {
          key: 'devices',
          header: 'Devices',
          title: 'devices active / idle / all',
          width: '6rem',
          align: 'right',
          sort: 'devices',
          render: (g) => (
            <>
              {g.activeDevices} /{' '}
              <span className={g.idleDevices ? 'warn-text' : undefined}>{g.idleDevices}</span> /{' '}
              {g.devices}
            </>
          ),
        },
        {
          key: 'last',
          header: 'Last scan',
          width: '6.8rem',
          sort: 'lastScan',
          render: (g) => fmt.when(g.lastScanAt),
        },
      ];
  return (
    <div className="view">
      <div className="toolbar">
        <h2>Gates</h2>
        <label className="check">
          <input
            type="checkbox"
            checked={perProduct}
            onChange={(e) => setPerProduct(e.target.checked)}
            data-testid="gates-per-product"
          />{' '}
          Per product
        </label>
        <span className="muted">
          Per min = last 5 minutes. Enter or click a gate to see its sessions.
        </span>
      </div>
      <VirtualTable
        label="Gates"
        testId="gates"
        count={rows.length}
        row={(i) => rows[i]}
        rowKey={(g) => g.gate}
        columns={columns}
        sort={sort}
        onSort={toggle}
        onActivate={(g) => navigate({ view: 'sessions', gate: g.gate })}
        empty={gates ? 'No gate has scanned yet.' : 'Loading…'}
      />
    </div>
  );
}
