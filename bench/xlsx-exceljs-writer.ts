/**
 * The XLSX benchmark's other candidate (the app's XLSX writer until issue 16's measurement at
 * 1M; bench/export.bench.ts): the same report through exceljs' streaming workbook writer: the check-ins sheet is written and
 * committed row by row (no shared-strings table, which would keep every string in memory), then
 * the summary sheets (by gate, session, device, hour) and a "Report" sheet describing the export.
 *
 * Times are real Excel date cells showing wall-clock time in the report's zone (Excel dates have
 * no zone; the header says which one). Text cells are written as strings, which Excel never
 * evaluates, so they need no formula neutralisation. A sheet holds at most 1,048,576 rows, so
 * check-ins continue on "Check-ins (2)", … after a million.
 */
import { once, type EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import type { ReportRecord } from '../electron/db';
import type { FileSink } from '../electron/files';
import { cellText, type ReportColumn } from '../electron/reports/report-columns';
import { timeValue } from '../electron/reports/report-times';
import type { ReportSummary } from '../electron/reports/report-summary';
import type { ReportClock } from '../electron/reports/time-zone';

import type { ReportInfoLine } from '../electron/reports/xlsx-writer';

export const ROWS_PER_SHEET = 1_000_000;
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss.000';
const HOUR_FORMAT = 'yyyy-mm-dd hh:mm';

export interface XlsxReportOptions {
  readonly columns: ReadonlyArray<ReportColumn>;
  readonly clock: ReportClock;
  /** Rows per check-ins sheet; tests lower it to see the roll-over. */
  readonly rowsPerSheet?: number;
}

type Sheet = ExcelJS.Worksheet;
type ZipInput = EventEmitter & { _writableState?: { needDrain?: boolean } };

export function xlsxReport(options: XlsxReportOptions, sink: FileSink) {
  const { columns, clock } = options;
  const rowsPerSheet = options.rowsPerSheet ?? ROWS_PER_SHEET;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink.stream,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'Gate Ops';
  let sheet: Sheet | undefined;
  let sheetRows = 0;
  let sheetCount = 0;
  const zoneNote = clock.zone === 'UTC' ? 'UTC' : clock.zone;
  /** Excel shows a Date cell's UTC fields, so shift by the zone offset to show wall-clock time. */
  const wall = (ms: number): Date => new Date(ms + clock.offsetAt(ms));

  const openSheet = (): Sheet => {
    sheetCount++;
    const s = workbook.addWorksheet(sheetCount === 1 ? 'Check-ins' : `Check-ins (${sheetCount})`, {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    s.columns = columns.map((c) => ({
      header: c.kind === 'time' ? `${c.title} (${zoneNote})` : c.title,
      key: c.key,
      width: c.width,
      style: c.kind === 'time' ? { numFmt: DATE_FORMAT } : {},
    }));
    s.getRow(1).font = { bold: true };
    s.getRow(1).commit();
    sheetRows = 0;
    return s;
  };

  const summarySheet = (
    name: string,
    head: ReadonlyArray<{ header: string; width: number; numFmt?: string }>,
    rows: ReadonlyArray<ReadonlyArray<string | number | Date>>,
  ): void => {
    const s = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    s.columns = head.map((h) => ({
      header: h.header,
      width: h.width,
      style: h.numFmt ? { numFmt: h.numFmt } : {},
    }));
    s.getRow(1).font = { bold: true };
    s.getRow(1).commit();
    for (const r of rows) s.addRow([...r]).commit();
    s.commit();
  };

  const t = (label: string) => ({
    header: `${label} (${zoneNote})`,
    width: 22,
    numFmt: DATE_FORMAT,
  });
  const n = (label: string, width = 12) => ({ header: label, width });

  return {
    async start(): Promise<void> {
      sheet = openSheet();
    },

    async rows(records: ReadonlyArray<ReportRecord>): Promise<void> {
      for (const record of records) {
        if (!sheet || sheetRows >= rowsPerSheet) {
          sheet?.commit();
          sheet = openSheet();
        }
        const values: Array<string | Date | boolean> = new Array(columns.length);
        for (let c = 0; c < columns.length; c++) {
          const column = columns[c]!;
          const value = record[column.at];
          if (column.kind === 'text') values[c] = cellText(value, column.pii);
          else if (column.kind === 'time') values[c] = wall(timeValue(value));
          else values[c] = value === true || value === 1;
        }
        sheet.addRow(values).commit();
        sheetRows++;
      }
      // Backpressure. exceljs writes a sheet into a buffer that archiver pipes into a PassThrough
      // without heeding its return value, so rows pile up in memory whenever deflate is slower
      // than we are. Wait for that PassThrough (and the file) to drain before the next page.
      await nextTurn();
      // (archiver's PassThrough is readable-stream 2: no `writableNeedDrain` getter.)
      const zipInput = (sheet as unknown as { stream?: { pipes?: ZipInput[] } } | undefined)?.stream
        ?.pipes?.[0];
      if (zipInput?._writableState?.needDrain) await once(zipInput, 'drain');
      if (sink.stream.writableNeedDrain) await once(sink.stream, 'drain');
    },

    async finish(summary: ReportSummary, info: ReadonlyArray<ReportInfoLine>): Promise<void> {
      sheet?.commit();
      const span = (g: { first: number; last: number }) => [wall(g.first), wall(g.last)];
      summarySheet(
        'By gate',
        [
          n('Gate', 16),
          n('Check-ins'),
          n('Re-entries'),
          n('Devices'),
          n('Sessions'),
          t('First'),
          t('Last'),
        ],
        summary.gates.map((g) => [
          g.gate,
          g.checkIns,
          g.reentries,
          g.devices,
          g.sessions,
          ...span(g),
        ]),
      );
      summarySheet(
        'By session',
        [
          n('Scanner session', 24),
          n('Devices', 16),
          n('Gates', 16),
          n('Check-ins'),
          n('Re-entries'),
          t('First'),
          t('Last'),
        ],
        summary.sessions.map((s) => [
          s.sessionId,
          s.devices,
          s.gates,
          s.checkIns,
          s.reentries,
          ...span(s),
        ]),
      );
      summarySheet(
        'By device',
        [
          n('Device', 16),
          n('Gates', 16),
          n('Sessions'),
          n('Check-ins'),
          n('Re-entries'),
          n('Avg upload lag (s)', 18),
          n('Max upload lag (s)', 18),
          t('First'),
          t('Last'),
        ],
        summary.devices.map((d) => [
          d.deviceId,
          d.gates,
          d.sessions,
          d.checkIns,
          d.reentries,
          Math.round(d.avgLagMs / 100) / 10,
          Math.round(d.maxLagMs / 100) / 10,
          ...span(d),
        ]),
      );
      summarySheet(
        'By hour',
        [
          { header: `Hour (${zoneNote})`, width: 18, numFmt: HOUR_FORMAT },
          n('Check-ins'),
          n('Re-entries'),
        ],
        summary.hours.map((h) => [wall(h.hourStart), h.checkIns, h.reentries]),
      );
      summarySheet(
        'Report',
        [n('', 22), n('', 60)],
        info.map((line) => [line.label, line.value]),
      );
      await workbook.commit();
      await sink.ended();
    },
  };
}
