/**
 * The export service in main: runs exports as jobs the UI can follow (progress) and stop
 * (cancel). Where the file goes depends on the host: the desktop app asks through the native
 * save dialog (`SaveDialog`, plugged in by the Electron shell); headless mode has no dialog, so
 * the file is written under `downloadsDir` and the browser downloads it (`download-route.ts`).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '../../shared/api/define';
import type {
  ExportJob,
  ExportRequest,
  ReportFormat,
  ReportOptions,
} from '../../shared/api/channels/reports';
import { TargetPathError } from '../files';
import { distinctValues, type CheckInsCollection } from '../db';
import type { OpenAlertsSource, ReportContextSource } from './report-alerts';
import { REPORT_FILE_TYPES, suggestedFileName } from './report-files';
import {
  ExportCancelledError,
  ReportRequestError,
  resolveExportRequest,
  runExport,
} from './run-export';

export interface SaveDialogFilter {
  readonly name: string;
  readonly extensions: ReadonlyArray<string>;
}

/** The Electron shell's side: the native save dialog. Resolves null when the user cancels. */
export interface SaveDialog {
  chooseSavePath(
    suggestedName: string,
    filters: ReadonlyArray<SaveDialogFilter>,
  ): Promise<string | null>;
}

export interface ExportServiceOptions {
  readonly checkins: CheckInsCollection;
  /** Desktop app: where the user saves. Without it (headless) files are offered as downloads. */
  readonly saveDialog?: SaveDialog;
  /** Headless: folder for finished files (e.g. `<dataDir>/exports`), created on first use. */
  readonly downloadsDir: string;
  readonly openAlerts?: OpenAlertsSource;
  /** Alerts, outages and totals for PDF reports. */
  readonly context?: ReportContextSource;
  readonly now?: () => number;
  /** Headless: URL of a finished job's file; must match where the download route is mounted. */
  readonly downloadUrl?: (jobId: string) => string;
  /** Finished jobs remembered (and, headless, their files kept); older ones are forgotten. */
  readonly keepJobs?: number;
  /** Least time between two progress events of a job, ms (the last one always goes out). */
  readonly progressIntervalMs?: number;
}

interface JobEntry {
  job: ExportJob;
  readonly controller: AbortController;
  readonly listeners: Set<(job: ExportJob) => void>;
  readonly done: Promise<void>;
  lastEmit: number;
  /** The file, once written (either the chosen path or the download copy). */
  filePath: string | null;
}

export const DOWNLOAD_ROUTE_PREFIX = '/reports/download/';

export class ExportService {
  private readonly jobs = new Map<string, JobEntry>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: ExportServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  get delivery(): 'save-dialog' | 'download' {
    return this.options.saveDialog ? 'save-dialog' : 'download';
  }

  async reportOptions(): Promise<ReportOptions> {
    const [events, gates] = await Promise.all([
      distinctValues(this.options.checkins, 'eventId'),
      distinctValues(this.options.checkins, 'gate'),
    ]);
    return {
      events,
      gates,
      delivery: this.delivery,
      jobs: [...this.jobs.values()].map((e) => e.job).reverse(),
    };
  }

  /**
   * Starts an export. Resolves once the target file is open (so a bad filter or an unwritable
   * folder is an error here, not a failed job), or null if the user closed the save dialog.
   */
  async start(request: ExportRequest): Promise<ExportJob | null> {
    if (this.closed) throw new ServiceError('unavailable', 'the export service is shutting down');
    let resolved;
    try {
      resolved = resolveExportRequest(request);
    } catch (error) {
      if (error instanceof ReportRequestError) throw new ServiceError('bad_request', error.message);
      throw error;
    }
    const jobId = randomUUID();
    const fileName = suggestedFileName(request, this.now());
    let outPath: string;
    if (this.options.saveDialog) {
      const chosen = await this.options.saveDialog.chooseSavePath(fileName, [
        REPORT_FILE_TYPES[request.format],
      ]);
      if (chosen === null) return null;
      outPath = chosen;
    } else {
      await mkdir(this.options.downloadsDir, { recursive: true });
      await this.removeStaleDownloads();
      outPath = join(this.options.downloadsDir, `${jobId}-${fileName}`);
    }

    const controller = new AbortController();
    let opened!: () => void;
    const whenOpen = new Promise<void>((resolve) => (opened = resolve));
    const entry: JobEntry = {
      job: {
        jobId,
        format: request.format,
        state: 'running',
        rowsDone: 0,
        rowsTotal: 0,
        phase: 'counting',
        fileName: this.options.saveDialog ? basenameOf(outPath) : fileName,
        path: null,
        downloadUrl: null,
        bytes: null,
        error: null,
        startedAt: this.now(),
        finishedAt: null,
      },
      controller,
      listeners: new Set(),
      lastEmit: 0,
      filePath: null,
      done: Promise.resolve(),
    };
    const run = runExport(this.options.checkins, resolved, {
      outPath,
      signal: controller.signal,
      openAlerts: this.options.openAlerts,
      ...(this.options.context ? { context: this.options.context } : {}),
      now: this.now,
      onTempFile: () => opened(),
      onProgress: (p) =>
        this.update(entry, { rowsDone: p.rowsDone, rowsTotal: p.rowsTotal, phase: p.phase }),
    });
    // Fails before the file opened: the request itself is wrong (path), report it to the caller.
    const early = await Promise.race([
      whenOpen.then(() => null),
      run.then(
        () => null,
        (e: unknown) => e,
      ),
    ]);
    if (early !== null) {
      if (early instanceof TargetPathError) throw new ServiceError('bad_request', early.message);
      throw early;
    }
    (entry as { done: Promise<void> }).done = run.then(
      (outcome) => {
        entry.filePath = outcome.path;
        this.finish(entry, {
          state: 'done',
          rowsDone: outcome.rows,
          rowsTotal: Math.max(outcome.rows, entry.job.rowsTotal),
          bytes: outcome.bytes,
          path: this.options.saveDialog ? outcome.path : null,
          downloadUrl: this.options.saveDialog
            ? null
            : (this.options.downloadUrl ?? ((id) => `${DOWNLOAD_ROUTE_PREFIX}${id}`))(jobId),
        });
      },
      (error: unknown) => {
        if (error instanceof ExportCancelledError) this.finish(entry, { state: 'cancelled' });
        else this.finish(entry, { state: 'failed', error: messageOf(error) });
      },
    );
    this.jobs.set(jobId, entry);
    this.forgetOldJobs();
    return entry.job;
  }

  job(jobId: string): ExportJob | undefined {
    return this.jobs.get(jobId)?.job;
  }

  /** Calls `listener` with the job now and on every change; returns the unsubscribe function. */
  subscribe(jobId: string, listener: (job: ExportJob) => void): () => void {
    const entry = this.jobs.get(jobId);
    if (!entry) throw new ServiceError('not_found', `no export job ${jobId}`);
    entry.listeners.add(listener);
    listener(entry.job);
    return () => entry.listeners.delete(listener);
  }

  /** True when a running job was asked to stop; its temp file is deleted. */
  cancel(jobId: string): boolean {
    const entry = this.jobs.get(jobId);
    if (!entry || entry.job.state !== 'running') return false;
    entry.controller.abort();
    return true;
  }

  /** Resolves when the job has finished (any state). */
  async settled(jobId: string): Promise<ExportJob | undefined> {
    const entry = this.jobs.get(jobId);
    if (!entry) return undefined;
    await entry.done;
    return entry.job;
  }

  /** Headless: the finished file of a job, for the download route. */
  downloadable(
    jobId: string,
  ): { path: string; fileName: string; format: ReportFormat } | undefined {
    const entry = this.jobs.get(jobId);
    if (!entry || entry.job.state !== 'done' || !entry.filePath || this.options.saveDialog) {
      return undefined;
    }
    return { path: entry.filePath, fileName: entry.job.fileName, format: entry.job.format };
  }

  /** Cancels running jobs and waits for them to clean up. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.jobs.values()) entry.controller.abort();
    await Promise.all([...this.jobs.values()].map((e) => e.done));
  }

  private update(entry: JobEntry, patch: Partial<ExportJob>): void {
    const phaseChanged = patch.phase !== undefined && patch.phase !== entry.job.phase;
    entry.job = { ...entry.job, ...patch };
    const t = this.now();
    const interval = this.options.progressIntervalMs ?? 100;
    const complete = entry.job.rowsDone >= entry.job.rowsTotal;
    if (t - entry.lastEmit < interval && !complete && !phaseChanged) return;
    entry.lastEmit = t;
    this.emit(entry);
  }

  private finish(entry: JobEntry, patch: Partial<ExportJob>): void {
    entry.job = { ...entry.job, ...patch, finishedAt: this.now() };
    this.emit(entry);
  }

  private emit(entry: JobEntry): void {
    for (const listener of [...entry.listeners]) {
      try {
        listener(entry.job);
      } catch {
        /* a failing listener must not stop the export or the other listeners */
      }
    }
  }

  private staleRemoved = false;

  /**
   * Jobs live in memory, so the files a previous run left in `downloadsDir` can no longer be
   * downloaded: delete them (ours only: `<uuid>-…` names and our temp files) once per run.
   */
  private async removeStaleDownloads(): Promise<void> {
    if (this.staleRemoved) return;
    this.staleRemoved = true;
    const ours =
      /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-.+\.(csv|xlsx|pdf)$/;
    const names = await readdir(this.options.downloadsDir).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((name) => {
          const m = ours.exec(name);
          if (m) return !this.jobs.has(m[1]!);
          return /^\.gate-ops-.+\.tmp$/.test(name) && !this.anyRunning();
        })
        .map((name) => unlink(join(this.options.downloadsDir, name)).catch(() => {})),
    );
  }

  private anyRunning(): boolean {
    for (const entry of this.jobs.values()) if (entry.job.state === 'running') return true;
    return false;
  }

  private forgetOldJobs(): void {
    const keep = this.options.keepJobs ?? 20;
    for (const [id, entry] of this.jobs) {
      if (this.jobs.size <= keep) break;
      if (entry.job.state === 'running') continue;
      this.jobs.delete(id);
      // Headless download copies are ours to delete; a file the user saved is theirs.
      if (!this.options.saveDialog && entry.filePath) void unlink(entry.filePath).catch(() => {});
    }
  }
}

function basenameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
