/**
 * Export benchmark (issue 16 target 6). `npm run bench -- bench/export.bench.ts`;
 * BENCH_SCALE=0.1 for a quick run. N = 1,000,000 × BENCH_SCALE check-ins of the shared realistic
 * store (bench/realistic-store.ts: the simulator's events written by ingest's own batch commit),
 * on a private copy (removed at the end).
 *
 * Every export runs in a process of its own, timed from outside with its peak RSS (GNU time):
 *  - CSV: `gate-ops export --format csv` (our command, built) against the baseline, a plain
 *    select + join of the same columns written as comma-joined text (export-baseline-child.ts).
 *    Target ≤ 1.3×.
 *  - XLSX: `gate-ops export --format xlsx` (our SpreadsheetML through fflate's zip with
 *    node:zlib deflate) against our CSV time (target ≤ 3×), next to the other candidate: the
 *    same report written by exceljs' streaming WorkbookWriter (xlsx-exceljs-child.ts, the app's
 *    writer before).
 *  - Flat memory: each of ours also on the first quarter of the rows (`--to`); the same peak
 *    RSS for a quarter and for all of them is flat.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIsStale } from '../test/setup/build-when-stale';
import { fmt, table } from './bench-common';
import { copyRealisticStore, REALISTIC_START } from './realistic-store';

const ROOT = join(import.meta.dirname, '..');
const SCALE = Number(process.env['BENCH_SCALE'] ?? '1');
const N = Math.max(1000, Math.round(1_000_000 * SCALE));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const BIN = join(ROOT, 'bin', 'gate-ops.mjs');
const log = (s: string): void => console.log(s);

interface Sample {
  readonly ms: number;
  readonly rssMb: number;
  readonly bytes: number;
  readonly out: string;
}

function run(args: readonly string[], outFile: string, nodeFlags: readonly string[] = []): Sample {
  const node = [process.execPath, ...nodeFlags, ...args];
  const argv = TIME ? ['-f', 'TIME %M', ...node] : node.slice(1);
  const started = performance.now();
  const r = spawnSync(TIME ?? process.execPath, argv, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  const bytes = statSync(outFile).size;
  rmSync(outFile, { force: true });
  return { ms, rssMb: line ? Number(line.slice(5)) / 1024 : NaN, bytes, out: r.stdout };
}

async function main(): Promise<void> {
  if (buildIsStale(ROOT)) {
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const out = mkdtempSync(join(tmpdir(), 'gate-ops-export-bench-'));
  try {
    const data = (await copyRealisticStore(N, join(out, 'data'), log)).dir;
    const file = join(data, 'gate-ops.sqlite');
    // The first quarter of the rows, by check-in time (the store's scans are 17 ms apart).
    const quarterTo = new Date(REALISTIC_START + Math.round((N / 4) * 17)).toISOString();
    const ours = (format: 'csv' | 'xlsx', to?: string): Sample => {
      const target = join(out, `ours.${format}`);
      const args = [
        BIN,
        'export',
        '--quiet',
        '--format',
        format,
        '--out',
        target,
        '--data-dir',
        data,
      ];
      return run(to ? [...args, '--to', to] : args, target);
    };
    const baseline = (): Sample => {
      const target = join(out, 'baseline.csv');
      return run([join(import.meta.dirname, 'export-baseline-child.ts'), file, target], target);
    };
    const exceljs = (): Sample => {
      const target = join(out, 'exceljs.xlsx');
      return run([join(import.meta.dirname, 'xlsx-exceljs-child.ts'), data, target], target, [
        '--import',
        'tsx',
      ]);
    };
    log(`${fmt(N)} check-ins; CSV runs interleaved twice (best of 2), XLSX once each…`);
    const csvBase = [baseline(), baseline()];
    const csv = [ours('csv'), ours('csv')];
    const best = (xs: Sample[]): Sample => xs.reduce((a, b) => (a.ms <= b.ms ? a : b));
    const b = best(csvBase);
    const o = best(csv);
    const csvQuarter = ours('csv', quarterTo);
    const xlsx = ours('xlsx');
    const xlsxQuarter = ours('xlsx', quarterTo);
    const alt = exceljs();
    const wrote = /wrote (\d+) check-in/.exec(o.out)?.[1];
    if (Number(wrote) !== Number(b.out.trim())) {
      throw new Error(`our CSV has ${wrote} rows, the baseline ${b.out.trim()}`);
    }

    const ms = (s: Sample) => `${fmt(s.ms)} ms`;
    const mb = (s: Sample) => `${fmt(s.rssMb)} MB`;
    const x = (a: number, c: number) => `${fmt(a / c, 2)}×`;
    log('');
    log(
      `Exports of ${fmt(N)} realistic check-ins (BENCH_SCALE=${SCALE}; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    log(
      table([
        ['export', 'wall', 'file MB', 'peak RSS', 'baseline (same run)', 'ratio', 'target'],
        [
          'CSV baseline: plain select + join',
          ms(b),
          fmt(b.bytes / 2 ** 20, 1),
          mb(b),
          '—',
          '1.00×',
          '',
        ],
        [
          'CSV, ours (gate-ops export)',
          ms(o),
          fmt(o.bytes / 2 ** 20, 1),
          mb(o),
          `CSV baseline ${ms(b)}`,
          x(o.ms, b.ms),
          '≤ 1.3×',
        ],
        [
          'XLSX, ours (SpreadsheetML, fflate zip, zlib)',
          ms(xlsx),
          fmt(xlsx.bytes / 2 ** 20, 1),
          mb(xlsx),
          `our CSV ${ms(o)}`,
          x(xlsx.ms, o.ms),
          '≤ 3×',
        ],
        [
          'XLSX, exceljs streaming writer (candidate)',
          ms(alt),
          fmt(alt.bytes / 2 ** 20, 1),
          mb(alt),
          `our CSV ${ms(o)}`,
          x(alt.ms, o.ms),
          '',
        ],
      ]),
    );
    log('');
    log('Flat memory: peak RSS of our exports on the first quarter of the rows and on all of them');
    log(
      table([
        ['export', `¼ (${fmt(N / 4)} rows)`, `all (${fmt(N)} rows)`, 'growth'],
        ['CSV', mb(csvQuarter), mb(o), `${fmt(o.rssMb - csvQuarter.rssMb)} MB`],
        ['XLSX', mb(xlsxQuarter), mb(xlsx), `${fmt(xlsx.rssMb - xlsxQuarter.rssMb)} MB`],
      ]),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

await main();
