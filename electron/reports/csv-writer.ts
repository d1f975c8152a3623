/**
 * CSV reports: RFC 4180 through csv-stringify (CRLF line ends, quotes only where needed),
 * UTF-8, optionally with a byte-order mark so Excel opens it as UTF-8.
 *
 * Formula neutralisation: a spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, tab or
 * carriage return as a formula (CSV injection), and every text cell here comes from scanners
 * and ticket buyers. Such a cell gets a single quote in front (`=1+1` → `'=1+1`), which
 * spreadsheets show as text; csv-stringify's `escape_formulas` does it (and also catches the
 * full-width `＝＋－＠` that some spreadsheets normalise). Times, written by us, start with a digit.
 */
import { encodeCsvRecords } from './csv-encode';
import type { CheckInRow } from '../../shared/api/channels/checkins';
import type { ReportColumn } from './report-columns';
import type { ReportClock } from './time-zone';
import type { FileSink } from '../files';

export const UTF8_BOM = '\uFEFF';

export interface CsvReportOptions {
  readonly columns: ReadonlyArray<ReportColumn>;
  readonly clock: ReportClock;
  readonly bom: boolean;
}

/** Turns check-ins into CSV text, one page at a time; the header comes with the first page. */
export class CsvReportEncoder {
  private headerDone = false;

  constructor(private readonly options: CsvReportOptions) {}

  header(): string {
    this.headerDone = true;
    const head = encodeCsvRecords([this.options.columns.map((c) => c.key)]);
    return (this.options.bom ? UTF8_BOM : '') + head;
  }

  encode(docs: ReadonlyArray<Readonly<CheckInRow>>): string {
    const { columns, clock } = this.options;
    const records = new Array<string[]>(docs.length);
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      const record = new Array<string>(columns.length);
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c]!;
        if (column.text) record[c] = column.text(doc);
        else if (column.time) record[c] = clock.iso(column.time(doc));
        else record[c] = doc.reentry ? 'true' : 'false';
      }
      records[i] = record;
    }
    const body = encodeCsvRecords(records);
    return this.headerDone ? body : this.header() + body;
  }
}

/** Writes a CSV report to a sink; the sink takes care of backpressure and the file. */
export function csvReport(options: CsvReportOptions, sink: FileSink) {
  const encoder = new CsvReportEncoder(options);
  return {
    async start(): Promise<void> {
      await sink.write(encoder.header());
    },
    async rows(docs: ReadonlyArray<Readonly<CheckInRow>>): Promise<void> {
      if (docs.length > 0) await sink.write(encoder.encode(docs));
    },
    async finish(): Promise<void> {},
  };
}
