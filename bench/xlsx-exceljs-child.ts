/**
 * The XLSX benchmark's candidate in a process of its own (for its peak RSS): the same report as
 * `gate-ops export --format xlsx` — the same read-only reader, records, summaries and sheets —
 * written by exceljs' streaming WorkbookWriter (xlsx-exceljs-writer.ts) instead of ours.
 *   xlsx-exceljs-child.ts DATA_DIR OUT_FILE   → prints the row count
 */
import { openStoreReader, tableRecords } from '../electron/db';
import { AtomicFile } from '../electron/files';
import { reportColumns } from '../electron/reports/report-columns';
import { SummaryAccumulator } from '../electron/reports/report-summary';
import { createReportClock } from '../electron/reports/time-zone';
import { xlsxReport } from './xlsx-exceljs-writer';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: xlsx-exceljs-child.ts DATA_DIR OUT_FILE');

const reader = openStoreReader(dir, 'gate-ops');
const source = tableRecords(reader.checkIns());
if (!source) throw new Error('no SQL columns for the check-in table');
const clock = createReportClock('UTC');
const file = await AtomicFile.create(out);
const writer = xlsxReport({ columns: reportColumns(true), clock }, file);
const summary = new SummaryAccumulator(clock);
let rows = 0;
await writer.start();
for await (const page of source.pages({})) {
  summary.add(page);
  await writer.rows(page);
  rows += page.length;
}
await writer.finish(summary.result(), [{ label: 'Check-ins', value: String(rows) }]);
await file.commit();
reader.close();
process.stdout.write(`${rows}\n`);
