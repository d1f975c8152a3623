/**
 * The printable PDF summary (pdfkit, A4): what was exported and when, the totals, arrivals per
 * hour (per quarter-hour for a short report), products, gates, the busiest sessions and the
 * most lagging devices (long lists summed up), re-entries by quarter-hour from the report's own
 * rows, the open alerts that concern its gate, the relay outages in its time range and the
 * quarantine / conflict totals, and the shift log's notes of its period. It lists no individual
 * check-ins, so it carries no attendee data (a note is what a supervisor wrote). Rows only feed the summary while they stream; the document is laid out at the end.
 *
 * The standard PDF fonts cover Latin-1 only (WinAnsi); other characters in gate or device names
 * print as substitutes. Embedding a Unicode font would need one shipped with the app.
 */
import PDFDocument from 'pdfkit';
import type { ReportRecord } from '../db';
import type { CheckInRange } from '../db';
import type { FileSink } from '../files';
import { arrivalBars, barChart, totalsBoxes } from './pdf-charts';
import {
  alertsSection,
  devicesSection,
  gatesSection,
  outagesSection,
  productsSection,
  reentriesSection,
  sessionsSection,
} from './pdf-sections';
import { shiftLogSection } from './pdf-shift-log';
import { drawTable, PDF_COLORS, sectionTitle, type PdfColumn } from './pdf-table';
import { alertsForReport, outagesForReport, type ReportContext } from './report-alerts';
import { notesForReport } from './report-notes';
import type { ReportSummary } from './report-summary';
import type { ReportClock } from './time-zone';
import type { ReportInfoLine } from './xlsx-writer';

const num = (n: number): string => n.toLocaleString('en-US');
const right = (header: string, weight = 1): PdfColumn => ({ header, weight, align: 'right' });
const left = (header: string, weight = 1.5): PdfColumn => ({ header, weight });

export interface PdfReportOptions {
  readonly clock: ReportClock;
  readonly title: string;
  /** The report's filter: alerts and outages follow it. */
  readonly range: CheckInRange;
  readonly generatedAt: number;
}

export function pdfReport(options: PdfReportOptions, sink: FileSink) {
  const { clock } = options;
  const t = (ms: number): string => clock.short(ms);
  return {
    async start(): Promise<void> {},
    async rows(_records: ReadonlyArray<ReportRecord>): Promise<void> {},
    async finish(
      summary: ReportSummary,
      info: ReadonlyArray<ReportInfoLine>,
      context: ReportContext,
    ): Promise<void> {
      const { range, generatedAt } = options;
      const doc = new PDFDocument({
        size: 'A4',
        margins: { top: 50, bottom: 56, left: 48, right: 48 },
        bufferPages: true,
        info: { Title: options.title, Creator: 'Gate Ops', Producer: 'Gate Ops' },
      });
      doc.pipe(sink.stream);
      const x0 = doc.page.margins.left;

      doc
        .font('Helvetica-Bold')
        .fontSize(20)
        .fillColor(PDF_COLORS.text)
        .text(options.title, x0, 50);
      doc.moveDown(0.3);
      doc.fontSize(9);
      for (const line of info) {
        doc
          .font('Helvetica-Bold')
          .fillColor(PDF_COLORS.muted)
          .text(`${line.label}: `, { continued: true });
        doc.font('Helvetica').fillColor(PDF_COLORS.text).text(line.value);
      }

      sectionTitle(doc, 'Totals', 100);
      totalsBoxes(doc, summary, clock);

      const { bars, unit } = arrivalBars(summary, clock);
      sectionTitle(
        doc,
        `Arrivals per ${unit === '15 minutes' ? 'quarter-hour' : 'hour'} (${clock.zone})`,
        150,
      );
      barChart(doc, bars, unit);
      if (summary.hours.length > 1) {
        drawTable(
          doc,
          [left('Hour', 2), right('Check-ins'), right('Re-entries')],
          summary.hours.map((h) => [h.label, num(h.checkIns), num(h.reentries)]),
        );
      }

      productsSection(doc, summary);
      gatesSection(doc, summary, t);
      sessionsSection(doc, summary, t);
      devicesSection(doc, summary, t);
      reentriesSection(doc, summary, clock);
      alertsSection(doc, alertsForReport(context.openAlerts, range, generatedAt), range.gate, t);
      outagesSection(doc, outagesForReport(context.outages, range, generatedAt), context.totals, t);
      shiftLogSection(
        doc,
        context.notes ? notesForReport(context.notes, range, generatedAt) : null,
        range.gate,
        t,
      );

      // Footer on every page: which report, page x of y.
      const pages = doc.bufferedPageRange();
      for (let i = pages.start; i < pages.start + pages.count; i++) {
        doc.switchToPage(i);
        const y = doc.page.height - 36;
        const bottom = doc.page.margins.bottom;
        doc.page.margins.bottom = 0; // writing inside the bottom margin must not add a page
        doc.font('Helvetica').fontSize(7.5).fillColor(PDF_COLORS.muted);
        const w = doc.page.width - x0 - doc.page.margins.right;
        doc.text(options.title, x0, y, { width: w, align: 'left', lineBreak: false });
        doc.text(`Page ${i + 1} of ${pages.count}`, x0, y, {
          width: w,
          align: 'right',
          lineBreak: false,
        });
        doc.page.margins.bottom = bottom;
      }
      doc.end();
      await sink.ended();
    },
  };
}
