/**
 * Reports channels: start an export (→ a job), follow its progress, cancel it, and the choices
 * the Reports view offers (events, gates). Time bounds travel as text and are parsed in main in
 * the report's time zone, so the UI and `gate-ops export` accept exactly the same syntax.
 */
import { z } from 'zod';
import { query, subscription } from '../define';

export const REPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const id = z.string().min(1).max(128);

export const reportFilterSchema = z
  .object({
    eventId: id.optional(),
    gate: z.string().max(128).optional(),
    /** Inclusive lower bound on checked-in time: RFC 3339, or wall-clock time in `timeZone`. */
    from: z.string().min(1).max(64).optional(),
    /** Exclusive upper bound, same syntax. */
    to: z.string().min(1).max(64).optional(),
  })
  .strict();
export type ReportFilterInput = z.infer<typeof reportFilterSchema>;

export const exportRequestSchema = z
  .object({
    format: z.enum(REPORT_FORMATS),
    filter: reportFilterSchema.prefault({}),
    /** False leaves attendee names and e-mails out of the report. */
    includePii: z.boolean().default(true),
    /** CSV only: a UTF-8 byte-order mark so Excel reads the file as UTF-8. */
    bom: z.boolean().default(false),
    /** 'UTC', 'local' or an IANA zone: how times are written and hours bucketed. */
    timeZone: z.string().min(1).max(64).default('UTC'),
  })
  .strict();
export type ExportRequest = z.infer<typeof exportRequestSchema>;
export type ExportRequestInput = z.input<typeof exportRequestSchema>;

export const EXPORT_JOB_STATES = ['running', 'done', 'failed', 'cancelled'] as const;
export type ExportJobState = (typeof EXPORT_JOB_STATES)[number];

export const exportJobSchema = z.object({
  jobId: z.string(),
  format: z.enum(REPORT_FORMATS),
  state: z.enum(EXPORT_JOB_STATES),
  rowsDone: z.number().int().nonnegative(),
  /** From a count taken before the first row; rows stored during the export are not included. */
  rowsTotal: z.number().int().nonnegative(),
  /** counting: rowsTotal not known yet; reading: rows streaming; writing: laying out the file. */
  phase: z.enum(['counting', 'reading', 'writing']).optional(),
  fileName: z.string(),
  /** Where the file was saved (desktop app); null in headless mode or before it is done. */
  path: z.string().nullable(),
  /** Headless mode: a same-origin URL the browser downloads the finished file from. */
  downloadUrl: z.string().nullable(),
  bytes: z.number().int().nonnegative().nullable(),
  error: z.string().nullable(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type ExportJob = z.infer<typeof exportJobSchema>;

export const reportOptionsSchema = z.object({
  events: z.array(z.string()),
  gates: z.array(z.string()),
  /** True when the host delivers files as downloads (headless) rather than a save dialog. */
  delivery: z.enum(['save-dialog', 'download']),
  /** Most recent jobs first, so a reopened view can show what is running. */
  jobs: z.array(exportJobSchema),
});
export type ReportOptions = z.infer<typeof reportOptionsSchema>;

export const reportsChannels = {
  'reports:options': query(z.object({}).strict(), reportOptionsSchema),
  /** `job: null` when the user closed the save dialog without choosing a file. */
  'reports:export': query(exportRequestSchema, z.object({ job: exportJobSchema.nullable() })),
  'reports:progress': subscription(
    z.object({ jobId: z.string().min(1).max(64) }).strict(),
    exportJobSchema,
  ),
  'reports:cancel': query(
    z.object({ jobId: z.string().min(1).max(64) }).strict(),
    z.object({ cancelled: z.boolean() }),
  ),
};

export const reportsMethods = {
  getReportOptions: { kind: 'query', channel: 'reports:options' },
  startExport: { kind: 'query', channel: 'reports:export' },
  onExportProgress: { kind: 'subscription', channel: 'reports:progress' },
  cancelExport: { kind: 'query', channel: 'reports:cancel' },
} as const;
