/**
 * CSV reports: RFC 4180 exactly as csv-stringify writes it (CRLF line ends, quotes only where
 * needed), UTF-8, optionally with a byte-order mark so Excel opens it as UTF-8.
 *
 * Formula neutralisation: a spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, tab or
 * carriage return as a formula (CSV injection), and every text cell here comes from scanners
 * and ticket buyers. Such a cell gets a single quote in front (`=1+1` → `'=1+1`), which
 * spreadsheets show as text; csv-stringify's `escape_formulas` does it (and also catches the
 * full-width `＝＋－＠` that some spreadsheets normalise). Times, written by us, start with a digit.
 *
 * Speed: a million rows. A row whose text cells need nothing (no quote, comma, line break or
 * NUL anywhere, no formula start) is its cells joined by commas, which is what csv-stringify
 * writes for it; only the other rows go through encodeCsvRecords (csv-stringify).
 */
import { encodeCsvRecords, FORMULA_FIRST, QUOTE_OR_BREAK } from './csv-encode';
import type { ReportRecord } from '../db';
import { cellText, type ReportColumn } from './report-columns';
import { timeCells } from './report-times';
import type { ReportClock } from './time-zone';
import type { FileSink } from '../files';

export const UTF8_BOM = '\uFEFF';

export interface CsvReportOptions {
  readonly columns: ReadonlyArray<ReportColumn>;
  readonly clock: ReportClock;
  readonly bom: boolean;
}

type Cell = (record: ReportRecord) => string;

/** Turns check-ins into CSV text, one page at a time; the header comes with the first page. */
export class CsvReportEncoder {
  private headerDone = false;
  private readonly cells: ReadonlyArray<Cell>;

  constructor(private readonly options: CsvReportOptions) {
    this.cells = options.columns.map((column): Cell => {
      const at = column.at;
      if (column.kind === 'text') return (r) => cellText(r[at], column.pii);
      if (column.kind === 'time') {
        const format = timeCells(options.clock);
        return (r) => format(r[at]);
      }
      return (r) => (r[at] ? 'true' : 'false');
    });
  }

  header(): string {
    this.headerDone = true;
    const head = encodeCsvRecords([this.options.columns.map((c) => c.key)]);
    return (this.options.bom ? UTF8_BOM : '') + head;
  }

  encode(records: ReadonlyArray<ReportRecord>): string {
    const { cells } = this;
    const n = cells.length;
    let out = '';
    for (let r = 0; r < records.length; r++) {
      const record = records[r]!;
      // Plain while no cell starts like a formula or holds a comma; the other characters that
      // need quoting are looked for once in the whole line.
      let line = '';
      let plain = true;
      for (let c = 0; c < n; c++) {
        const cell = cells[c]!(record);
        if (
          plain &&
          cell.length > 0 &&
          (FORMULA_FIRST.has(cell.charCodeAt(0)) || cell.indexOf(',') !== -1)
        ) {
          plain = false;
        }
        line = c === 0 ? cell : `${line},${cell}`;
      }
      if (plain && !QUOTE_OR_BREAK.test(line)) out += `${line}\r\n`;
      else out += encodeCsvRecords([cells.map((cell) => cell(record))]);
    }
    return this.headerDone ? out : this.header() + out;
  }
}

/** Writes a CSV report to a sink; the sink takes care of backpressure and the file. */
export function csvReport(options: CsvReportOptions, sink: FileSink) {
  const encoder = new CsvReportEncoder(options);
  return {
    async start(): Promise<void> {
      await sink.write(encoder.header());
    },
    async rows(records: ReadonlyArray<ReportRecord>): Promise<void> {
      if (records.length > 0) await sink.write(encoder.encode(records));
    },
    async finish(): Promise<void> {},
  };
}
