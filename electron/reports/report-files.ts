/** File names and types of reports: what the save dialog suggests and the download announces. */
import type { ExportRequest, ReportFormat } from '../../shared/api/channels/reports';

export const REPORT_FILE_TYPES: Readonly<
  Record<ReportFormat, { name: string; extensions: string[]; contentType: string }>
> = {
  csv: {
    name: 'CSV (comma-separated values)',
    extensions: ['csv'],
    contentType: 'text/csv; charset=utf-8',
  },
  xlsx: {
    name: 'Excel workbook',
    extensions: ['xlsx'],
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  pdf: { name: 'PDF document', extensions: ['pdf'], contentType: 'application/pdf' },
};

/** Letters, digits, `-`, `_` and `.` only: safe on every file system and in a header. */
function slug(text: string): string {
  return (
    text
      .replace(/[^\w.-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 40) || 'x'
  );
}

/** `attendance-<event>-<gate>-<yyyymmdd-hhmm>.<ext>`, in UTC. */
export function suggestedFileName(request: Readonly<ExportRequest>, now: number): string {
  const parts = ['attendance', slug(request.filter.eventId ?? 'all-events')];
  if (request.filter.gate !== undefined) parts.push(slug(request.filter.gate || 'no-gate'));
  const stamp = new Date(now).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  parts.push(stamp);
  return `${parts.join('-')}.${request.format}`;
}
