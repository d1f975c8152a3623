/**
 * One export, start to end: check the request, count the rows, stream them page by page from the
 * database into the chosen writer (feeding the summaries on the way), then commit the file
 * atomically. Cancel (AbortSignal) and every failure delete the temp file, so nothing is left
 * under the target's name. Used by the export service (UI) and `gate-ops export`.
 */
import type { ExportRequest, ReportFormat } from '../../shared/api/channels/reports';
import { AtomicFile } from '../files';
import type { CheckInRange, CheckInsCollection, ReportRecordSource } from '../db';
import { csvReport } from './csv-writer';
import {
  EMPTY_CONTEXT,
  noOpenAlerts,
  type OpenAlertsSource,
  type ReportContextSource,
} from './report-alerts';
import { reportColumns } from './report-columns';
import { SummaryAccumulator } from './report-summary';
import { createReportClock, parseReportTime, type ReportClock } from './time-zone';
import type { ReportInfoLine } from './xlsx-writer';

/** A request that cannot run as given (bad time, empty range, unknown zone): a usage error. */
export class ReportRequestError extends Error {
  override readonly name = 'ReportRequestError';
}

export class ExportCancelledError extends Error {
  override readonly name = 'ExportCancelledError';
  constructor() {
    super('export cancelled');
  }
}

export interface ResolvedRequest {
  readonly format: ReportFormat;
  readonly range: CheckInRange;
  readonly clock: ReportClock;
  readonly includePii: boolean;
  readonly bom: boolean;
  readonly filterText: Readonly<{ from?: string; to?: string }>;
}

/** Parses times and checks the filter; throws ReportRequestError with a message for the user. */
export function resolveExportRequest(request: Readonly<ExportRequest>): ResolvedRequest {
  let clock: ReportClock;
  try {
    clock = createReportClock(request.timeZone);
  } catch (error) {
    throw new ReportRequestError((error as Error).message);
  }
  const parse = (name: 'from' | 'to'): number | undefined => {
    const text = request.filter[name];
    if (text === undefined) return undefined;
    const ms = parseReportTime(text, clock);
    if (ms === null) {
      throw new ReportRequestError(
        `${name} "${text}" is not a time: use 2026-05-05T18:00:00Z, 2026-05-05T20:00+02:00, or 2026-05-05T18:00 (read in ${clock.zone})`,
      );
    }
    return ms;
  };
  const from = parse('from');
  const to = parse('to');
  if (from !== undefined && to !== undefined && from >= to) {
    throw new ReportRequestError(`from (${clock.iso(from)}) must be before to (${clock.iso(to)})`);
  }
  const range: { -readonly [K in keyof CheckInRange]: CheckInRange[K] } = {};
  if (request.filter.eventId !== undefined) range.eventId = request.filter.eventId;
  if (request.filter.gate !== undefined) range.gate = request.filter.gate;
  if (from !== undefined) range.from = from;
  if (to !== undefined) range.to = to;
  return {
    format: request.format,
    range,
    clock,
    includePii: request.includePii,
    bom: request.bom,
    filterText: { from: request.filter.from, to: request.filter.to },
  };
}

export interface ExportProgress {
  readonly rowsDone: number;
  readonly rowsTotal: number;
  /** counting: before the first row (rowsTotal not known yet); writing: laying out the PDF. */
  readonly phase: 'counting' | 'reading' | 'writing';
}

export interface RunExportOptions {
  readonly outPath: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExportProgress) => void;
  readonly openAlerts?: OpenAlertsSource;
  /** Alerts, outages and totals for the PDF (wins over `openAlerts`). */
  readonly context?: ReportContextSource;
  readonly now?: () => number;
  readonly pageSize?: number;
  /** Called once the temp file exists (tests use it to look at a half-written export). */
  readonly onTempFile?: (tempPath: string) => void;
  /** XLSX only: rows per check-ins sheet. */
  readonly rowsPerSheet?: number;
}

export interface ExportOutcome {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

function infoLines(req: ResolvedRequest, rows: number, generatedAt: number): ReportInfoLine[] {
  const { range, clock } = req;
  return [
    { label: 'Event', value: range.eventId ?? 'All events' },
    { label: 'Gate', value: range.gate === undefined ? 'All gates' : range.gate || '(no gate)' },
    {
      label: 'Checked in from',
      value: range.from === undefined ? 'the first check-in' : clock.iso(range.from),
    },
    {
      label: 'Checked in before',
      value: range.to === undefined ? 'the last check-in' : clock.iso(range.to),
    },
    { label: 'Time zone', value: clock.zone },
    { label: 'Check-ins', value: rows.toLocaleString('en-US') },
    { label: 'Personal data', value: req.includePii ? 'included' : 'left out' },
    { label: 'Generated', value: clock.iso(generatedAt) },
  ];
}

/**
 * `from`: the check-ins collection (the app), or records read another way (`gate-ops export`
 * reads the file through a read-only connection).
 */
export async function runExport(
  from: CheckInsCollection | ReportRecordSource,
  req: ResolvedRequest,
  options: RunExportOptions,
): Promise<ExportOutcome> {
  const { signal } = options;
  // Loaded only for a collection: its document path brings RxDB's query code along.
  const source = 'storageInstance' in from ? (await import('../db')).collectionRecords(from) : from;
  const now = options.now ?? Date.now;
  if (signal?.aborted) throw new ExportCancelledError();
  const file = await AtomicFile.create(options.outPath);
  try {
    options.onTempFile?.(file.tempPath);
    options.onProgress?.({ rowsDone: 0, rowsTotal: 0, phase: 'counting' });
    const rowsTotal = await source.count(req.range);
    options.onProgress?.({ rowsDone: 0, rowsTotal, phase: 'reading' });
    const columns = reportColumns(req.includePii);
    // The XLSX writer and pdfkit load only for their formats (pdfkit alone is ≈1 s and tens of
    // MB before a CSV's first row otherwise).
    const writer =
      req.format === 'csv'
        ? csvReport({ columns, clock: req.clock, bom: req.bom }, file)
        : req.format === 'xlsx'
          ? (await import('./xlsx-writer')).xlsxReport(
              { columns, clock: req.clock, rowsPerSheet: options.rowsPerSheet, now },
              file,
            )
          : (await import('./pdf-writer')).pdfReport(
              {
                clock: req.clock,
                title: 'Attendance report',
                range: req.range,
                generatedAt: now(),
              },
              file,
            );
    // CSV has no summaries: skip the bookkeeping (and its memory) there.
    const summary = req.format === 'csv' ? null : new SummaryAccumulator(req.clock);
    await writer.start();
    let rowsDone = 0;
    for await (const page of source.pages(req.range, options.pageSize)) {
      if (signal?.aborted) throw new ExportCancelledError();
      summary?.add(page);
      await writer.rows(page);
      rowsDone += page.length;
      // Rows stored after the count are exported too; never report more done than total.
      options.onProgress?.({
        rowsDone,
        rowsTotal: Math.max(rowsTotal, rowsDone),
        phase: 'reading',
      });
    }
    if (signal?.aborted) throw new ExportCancelledError();
    let context = EMPTY_CONTEXT;
    if (req.format === 'pdf') {
      options.onProgress?.({
        rowsDone,
        rowsTotal: Math.max(rowsTotal, rowsDone),
        phase: 'writing',
      });
      context = options.context
        ? await options.context()
        : { ...EMPTY_CONTEXT, openAlerts: await (options.openAlerts ?? noOpenAlerts)() };
    }
    await writer.finish(
      (summary ?? new SummaryAccumulator(req.clock)).result(),
      infoLines(req, rowsDone, now()),
      context,
    );
    if (signal?.aborted) throw new ExportCancelledError();
    const bytes = await file.commit();
    return { path: options.outPath, rows: rowsDone, bytes };
  } catch (error) {
    await file.discard();
    throw error;
  }
}
