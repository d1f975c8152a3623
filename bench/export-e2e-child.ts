/**
 * The end-to-end half of bench/export.bench.ts, in a process of its own so that the RSS it
 * reports belongs to the exports: `export-e2e-child.ts DATA_DIR N XLSX_N OUT_DIR`.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore, readCheckInPages } from '../electron/db';
import { resolveExportRequest, runExport } from '../electron/reports/run-export';
import { exportRequestSchema } from '../shared/api/channels/reports';
import {
  fmt,
  heapGrowth,
  mb,
  memorySampler,
  sampleMemory,
  table,
  type MemorySample,
} from './export-bench-helpers';

const [dataDir, nText, xlsxText, outDir] = process.argv.slice(2);
if (!dataDir || !nText || !xlsxText || !outDir) {
  throw new Error('usage: export-e2e-child.ts DATA_DIR N XLSX_N OUT_DIR');
}
const N = Number(nText);
const XLSX_N = Number(xlsxText);
const rate = (rows: number, ms: number): number => rows / (ms / 1000);

const store = await openStore(dataDir);
const start = sampleMemory(0);
const e2e: string[][] = [
  [
    'end to end, SQLite → file',
    'rows',
    'rows/s',
    'file MB',
    'heap growth',
    'RSS MB (first → last)',
  ],
];
const memoryTables: Array<[string, MemorySample[]]> = [];
const rss = (s: MemorySample[]) =>
  s.length ? `${mb(s[0]!.rssMb)} → ${mb(s[s.length - 1]!.rssMb)}` : '-';

const readSampler = memorySampler(N);
const tRead = performance.now();
let read = 0;
for await (const page of readCheckInPages(store.db.checkins, {})) {
  read += page.length;
  readSampler.at(read);
}
const readMs = performance.now() - tRead;
e2e.push([
  'read pages only (no file)',
  fmt(read),
  fmt(rate(read, readMs)),
  '-',
  heapGrowth(readSampler.samples),
  rss(readSampler.samples),
]);

async function exportTo(format: 'csv' | 'xlsx' | 'pdf', rows: number): Promise<void> {
  const sampler = memorySampler(rows);
  const filter =
    rows < N ? { to: new Date(Date.UTC(2026, 4, 5, 16) + rows * 20).toISOString() } : {};
  const request = resolveExportRequest(exportRequestSchema.parse({ format, filter }));
  const t = performance.now();
  const outcome = await runExport(store.db.checkins, request, {
    outPath: join(outDir!, `e2e.${format}`),
    onProgress: (p) => sampler.at(p.rowsDone),
  });
  const ms = performance.now() - t;
  e2e.push([
    `${format.toUpperCase()} export`,
    fmt(outcome.rows),
    fmt(rate(outcome.rows, ms)),
    mb(outcome.bytes / 2 ** 20),
    heapGrowth(sampler.samples),
    rss(sampler.samples),
  ]);
  memoryTables.push([format.toUpperCase(), sampler.samples]);
}

await exportTo('csv', N);
await exportTo('xlsx', XLSX_N);
await exportTo('pdf', N);
await store.close();

console.log(
  `\nEnd to end, in a fresh process (heap ${mb(start.heapMb)} MB, RSS ${mb(start.rssMb)} MB at start):`,
);
console.log(table(e2e));
for (const [name, samples] of memoryTables) {
  console.log(`\nMemory during the ${name} export (heap after GC, RSS):`);
  console.log(
    table([
      ['rows exported', 'heap MB', 'RSS MB'],
      ...samples.map((s) => [fmt(s.rows), mb(s.heapMb), mb(s.rssMb)]),
    ]),
  );
}
console.log(`\npeak RSS of the export process: ${mb(process.resourceUsage().maxRSS / 1024)} MB`);
