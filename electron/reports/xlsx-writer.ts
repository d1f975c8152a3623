/**
 * XLSX reports, streamed: SpreadsheetML written as text (spreadsheet-xml.ts) into a zip whose
 * parts node:zlib deflates beside us (xlsx-zip.ts). The check-ins sheet is written page by page
 * (inline strings: no shared-strings table, which would keep every string in memory), then the
 * summary sheets (by gate, session, device, hour) and a "Report" sheet describing the export.
 *
 * Why not exceljs' streaming writer (used before): it builds a cell object, renders and looks up
 * a style, and assembles the XML through several layers for every cell, about 6× the time of our
 * CSV for the same rows; writing the XML ourselves is a little more text than the CSV and the
 * deflating runs on the thread pool (figures: README's dependency table, bench/export.bench.ts).
 *
 * Times are real Excel date cells showing wall-clock time in the report's zone (Excel dates have
 * no zone; the header says which one). Text cells are strings, which Excel never evaluates, so
 * they need no formula neutralisation. A sheet holds at most 1,048,576 rows, so check-ins
 * continue on "Check-ins (2)", … after a million.
 */
import type { ReportRecord } from '../db';
import type { FileSink } from '../files';
import { cellText, type ReportColumn } from './report-columns';
import type { ReportSummary } from './report-summary';
import { timeValue } from './report-times';
import {
  boolCell,
  columnName,
  numberCell,
  packageParts,
  serialDay,
  SHEET_TAIL,
  sheetHead,
  STYLE,
  STYLES,
  textCell,
  type StyleId,
} from './spreadsheet-xml';
import type { ReportClock } from './time-zone';
import { XlsxZip, type ZipPart } from './xlsx-zip';

export const ROWS_PER_SHEET = 1_000_000;

export interface ReportInfoLine {
  readonly label: string;
  readonly value: string;
}

export interface XlsxReportOptions {
  readonly columns: ReadonlyArray<ReportColumn>;
  readonly clock: ReportClock;
  /** Rows per check-ins sheet; tests lower it to see the roll-over. */
  readonly rowsPerSheet?: number;
  /** The package's creation time (docProps). */
  readonly now?: () => number;
}

type SummaryCell = string | number | Date;
interface SummaryColumn {
  readonly header: string;
  readonly width: number;
  readonly style?: StyleId;
}

export function xlsxReport(options: XlsxReportOptions, sink: FileSink) {
  const { columns, clock } = options;
  const rowsPerSheet = options.rowsPerSheet ?? ROWS_PER_SHEET;
  const zip = new XlsxZip(sink);
  const sheetNames: string[] = [];
  const zoneNote = clock.zone;
  const refs = columns.map((_, i) => columnName(i));
  /** Serial day of the wall-clock time in the report's zone (what Excel shows). */
  const serial = (ms: number): number => serialDay(ms + clock.offsetAt(ms));
  let sheet: ZipPart | undefined;
  let sheetRows = 0;

  const headerRow = (titles: ReadonlyArray<string>): string =>
    `<row r="1">${titles.map((t, i) => textCell(`${columnName(i)}1`, t, STYLE.header)).join('')}</row>`;

  const openSheet = async (
    name: string,
    head: ReadonlyArray<{ width: number }>,
    titles: string[],
  ) => {
    sheetNames.push(name);
    const part = zip.part(`xl/worksheets/sheet${sheetNames.length}.xml`);
    await part.write(sheetHead(head) + headerRow(titles));
    return part;
  };

  const openCheckIns = async (): Promise<ZipPart> => {
    const n = sheetNames.length + 1;
    sheetRows = 0;
    return openSheet(
      n === 1 ? 'Check-ins' : `Check-ins (${n})`,
      columns,
      columns.map((c) => (c.kind === 'time' ? `${c.title} (${zoneNote})` : c.title)),
    );
  };

  const summarySheet = async (
    name: string,
    head: ReadonlyArray<SummaryColumn>,
    rows: ReadonlyArray<ReadonlyArray<SummaryCell>>,
  ): Promise<void> => {
    const part = await openSheet(
      name,
      head,
      head.map((h) => h.header),
    );
    let xml = '';
    rows.forEach((row, r) => {
      const at = r + 2;
      xml += `<row r="${at}">`;
      row.forEach((value, c) => {
        const ref = `${columnName(c)}${at}`;
        if (typeof value === 'number') xml += numberCell(ref, value, head[c]?.style);
        else if (value instanceof Date) {
          xml += numberCell(ref, serialDay(value.getTime()), head[c]?.style ?? STYLE.time);
        } else xml += textCell(ref, value);
      });
      xml += '</row>';
    });
    await part.write(xml + SHEET_TAIL);
    await part.end();
  };

  const t = (label: string): SummaryColumn => ({
    header: `${label} (${zoneNote})`,
    width: 22,
    style: STYLE.time,
  });
  const n = (label: string, width = 12): SummaryColumn => ({ header: label, width });
  const wall = (ms: number): Date => new Date(ms + clock.offsetAt(ms));

  return {
    async start(): Promise<void> {
      sheet = await openCheckIns();
    },

    async rows(records: ReadonlyArray<ReportRecord>): Promise<void> {
      let xml = '';
      for (const record of records) {
        if (sheetRows >= rowsPerSheet) {
          await sheet!.write(xml + SHEET_TAIL);
          xml = '';
          await sheet!.end();
          sheet = await openCheckIns();
        }
        const at = ++sheetRows + 1;
        xml += `<row r="${at}">`;
        for (let c = 0; c < columns.length; c++) {
          const column = columns[c]!;
          const value = record[column.at];
          const ref = refs[c]! + at;
          if (column.kind === 'text') xml += textCell(ref, cellText(value, column.pii));
          else if (column.kind === 'time')
            xml += numberCell(ref, serial(timeValue(value)), STYLE.time);
          else xml += boolCell(ref, value === true || value === 1);
        }
        xml += '</row>';
      }
      if (xml) await sheet!.write(xml);
    },

    async finish(summary: ReportSummary, info: ReadonlyArray<ReportInfoLine>): Promise<void> {
      await sheet!.write(SHEET_TAIL);
      await sheet!.end();
      const span = (g: { first: number; last: number }) => [wall(g.first), wall(g.last)];
      await summarySheet(
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
      await summarySheet(
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
      await summarySheet(
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
      await summarySheet(
        'By hour',
        [
          { header: `Hour (${zoneNote})`, width: 18, style: STYLE.hour },
          n('Check-ins'),
          n('Re-entries'),
        ],
        summary.hours.map((h) => [wall(h.hourStart), h.checkIns, h.reentries]),
      );
      await summarySheet(
        'Report',
        [n('', 22), n('', 60)],
        info.map((line) => [line.label, line.value]),
      );
      await zip.add('xl/styles.xml', STYLES);
      for (const [name, text] of packageParts(sheetNames, new Date((options.now ?? Date.now)()))) {
        await zip.add(name, text);
      }
      await zip.end();
    },
  };
}
