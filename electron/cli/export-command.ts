/**
 * `gate-ops export`: an attendance report (CSV, XLSX or PDF) from a data folder's database,
 * streamed, with progress on stderr and nothing left under the target name on failure or Ctrl-C.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { WriteStream } from 'node:tty';
import { parseArgs } from 'node:util';
import { exportRequestSchema, REPORT_FORMATS } from '../../shared/api/channels/reports';
import { defaultDataDir } from '../app';
import {
  DATABASE_NAME,
  DEMO_DATABASE_NAME,
  openStoreReader,
  StoreNeedsUpgradeError,
  tableRecords,
  type ReportRecordSource,
  type Store,
} from '../db';
import { TargetPathError } from '../files';
import { asDamage, reportDamaged, warnKeptAside } from './damaged-store';
import {
  ExportCancelledError,
  ReportRequestError,
  resolveExportRequest,
  runExport,
  type ExportProgress,
  type ReportContextSource,
} from '../reports';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type CliCommand, type CliIo } from './io';

export const EXIT_CANCELLED = 130;

const usage = `Usage: gate-ops export --out FILE [--format csv|xlsx|pdf] [options]

Writes an attendance report of the stored check-ins: CSV (one row per check-in), XLSX (the
check-ins plus summaries by gate, scanner session, device and hour) or PDF (a printable
summary). Columns and formats: docs/reports.md.

  --out FILE          where to write (written to a temp file beside it, renamed when complete)
  --format F          csv, xlsx or pdf (default: from the extension of --out)
  --data-dir DIR      data folder (default: $GATE_OPS_DATA_DIR or the per-user app folder)
  --demo              read the demo relay's database (simulated data) instead of the real one
  --event ID          only this event
  --gate G            only this gate ("" for check-ins without a gate)
  --from T            checked in at or after T
  --to T              checked in before T
  --tz ZONE           time zone for times and hours: UTC (default), local, or an IANA name
                      such as Europe/Berlin
  --no-pii            leave out attendee names and e-mails (the columns are removed)
  --bom               CSV: start with a UTF-8 byte-order mark (for Excel)
  --quiet             no progress on stderr

Times: 2026-05-05T18:00:00Z or 2026-05-05T20:00+02:00, or without a zone
(2026-05-05, 2026-05-05T18:00) read in --tz.

Exit status: 0 written, 1 the export failed, 2 usage error (bad filter, unknown format,
unwritable path, no database), 130 interrupted (nothing written).`;

export const exportCommand: CliCommand = {
  stoppable: true,
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        format: { type: 'string', short: 'f' },
        'data-dir': { type: 'string' },
        demo: { type: 'boolean', default: false },
        event: { type: 'string' },
        gate: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        tz: { type: 'string' },
        'no-pii': { type: 'boolean', default: false },
        bom: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.out) throw new UsageError('--out FILE is required');
    const out = resolve(io.cwd, values.out);
    const format = values.format ?? /\.(csv|xlsx|pdf)$/i.exec(out)?.[1]?.toLowerCase();
    if (format === undefined) {
      throw new UsageError('give --format csv|xlsx|pdf (the --out extension does not say)');
    }
    if (!(REPORT_FORMATS as ReadonlyArray<string>).includes(format)) {
      throw new UsageError(`unknown format "${format}": use csv, xlsx or pdf`);
    }
    if (values.bom && format !== 'csv') throw new UsageError('--bom applies to CSV only');

    const parsed = exportRequestSchema.safeParse({
      format,
      filter: {
        ...(values.event !== undefined ? { eventId: values.event } : {}),
        ...(values.gate !== undefined ? { gate: values.gate } : {}),
        ...(values.from !== undefined ? { from: values.from } : {}),
        ...(values.to !== undefined ? { to: values.to } : {}),
      },
      includePii: !values['no-pii'],
      bom: values.bom,
      timeZone: values.tz ?? 'UTC',
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`${issue?.path.join('.') || 'option'}: ${issue?.message ?? 'invalid'}`);
    }
    let request;
    try {
      request = resolveExportRequest(parsed.data);
    } catch (error) {
      if (error instanceof ReportRequestError) throw new UsageError(error.message);
      throw error;
    }

    const dataDir = resolve(io.cwd, values['data-dir'] ?? defaultDataDir(io.env));
    const name = values.demo ? DEMO_DATABASE_NAME : DATABASE_NAME;
    const file = resolve(dataDir, `${name}.sqlite`);
    if (!existsSync(file)) {
      const hint =
        !values.demo && existsSync(resolve(dataDir, `${DEMO_DATABASE_NAME}.sqlite`))
          ? ' (it holds only demo data: add --demo to export that)'
          : '';
      io.stderr.write(`gate-ops export: no Gate Ops database in ${dataDir}${hint}\n`);
      return EXIT_USAGE;
    }

    warnKeptAside('export', file, io.stderr);
    let opened: Opened;
    try {
      // Read-only: a damaged file is refused as it is, never moved aside.
      opened = await openForExport(dataDir, name, request.format);
    } catch (error) {
      if (error instanceof StoreNeedsUpgradeError) {
        // Read-only: a folder of an earlier version is not migrated from here.
        io.stderr.write(`gate-ops export: ${error.message} (${file})\n`);
        return EXIT_FAILED;
      }
      const code = reportDamaged('export', asDamage(file, error), io.stderr);
      if (code !== null) return code;
      throw error;
    }
    const progress = values.quiet ? undefined : progressLine(io);
    try {
      const outcome = await runExport(opened.source, request, {
        outPath: out,
        signal: io.stopSignal,
        onProgress: progress?.update,
        ...(opened.context ? { context: opened.context } : {}),
      });
      progress?.done();
      io.stdout.write(
        `wrote ${outcome.rows} check-in${outcome.rows === 1 ? '' : 's'} to ${outcome.path} (${outcome.bytes} bytes)\n`,
      );
      return EXIT_OK;
    } catch (error) {
      progress?.done();
      if (error instanceof ExportCancelledError) {
        io.stderr.write('gate-ops export: interrupted; no file written\n');
        return EXIT_CANCELLED;
      }
      if (error instanceof TargetPathError) {
        io.stderr.write(`gate-ops export: ${error.message}\n`);
        return EXIT_USAGE;
      }
      const code = reportDamaged('export', asDamage(file, error), io.stderr);
      if (code !== null) return code;
      throw error;
    } finally {
      await opened.close().catch(() => undefined);
    }
  },
};

interface Opened {
  readonly source: ReportRecordSource | Store['db']['checkins'];
  /** The PDF's alerts, outages, totals and shift log. */
  readonly context?: ReportContextSource;
  close(): Promise<void>;
}

/**
 * CSV and XLSX read the check-ins through one read-only SQLite connection, as `stats` does: no
 * RxDB database (whose open writes, so it takes the write lock a running app's ingest needs, and
 * loads the whole data layer), plain SQL along the check-in index. The PDF also shows the relay
 * outages, totals and shift log, read through the RxDB store opened for reading.
 */
async function openForExport(dataDir: string, name: string, format: string): Promise<Opened> {
  if (format !== 'pdf') {
    const reader = openStoreReader(dataDir, name);
    const source = tableRecords(reader.checkIns());
    if (source) return { source, close: async () => reader.close() };
    // A table layout this version cannot read in SQL: read it through the storage instead.
    reader.close();
  }
  // Loaded only here: the RxDB database and the whole data layer.
  const { openStoreForReading } = await import('../db');
  const { storeReportContext } = await import('../reports');
  const store = await openStoreForReading(dataDir, name);
  return {
    source: store.db.checkins,
    context: () => storeReportContext(store.db),
    close: () => store.close(),
  };
}

/**
 * On a terminal, one line rewritten in place (at most 10 times a second); otherwise (a log
 * file, CI) a new line at every tenth of the way, so logs stay short.
 */
function progressLine(io: CliIo): { update: (p: ExportProgress) => void; done: () => void } {
  const tty = (io.stderr as Partial<WriteStream>).isTTY === true;
  let lastAt = 0;
  let lastTenth = -1;
  let drawn = false;
  const text = (p: ExportProgress): string => {
    const pct = p.rowsTotal === 0 ? 100 : Math.floor((p.rowsDone / p.rowsTotal) * 100);
    return `exporting: ${p.rowsDone.toLocaleString('en-US')} / ${p.rowsTotal.toLocaleString('en-US')} check-ins (${pct}%)`;
  };
  return {
    update(p) {
      // Before the count is in there is nothing true to print as "0 / 0".
      if (p.phase === 'counting') return;
      if (tty) {
        const now = Date.now();
        if (now - lastAt < 100 && p.rowsDone < p.rowsTotal) return;
        lastAt = now;
        io.stderr.write(`\r\x1b[2K${text(p)}`);
        drawn = true;
        return;
      }
      const tenth = p.rowsTotal === 0 ? 10 : Math.floor((p.rowsDone / p.rowsTotal) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        io.stderr.write(`${text(p)}\n`);
      }
    },
    done() {
      if (tty && drawn) io.stderr.write('\n');
      drawn = false;
    },
  };
}
