/**
 * The printable PDF summary (pdfkit, A4): what was exported and when, the totals, arrivals per
 * hour (a bar chart and a table), the per-gate, per-session and per-device tables and the open
 * alerts. It lists no individual check-ins, so it never carries personal data. Rows only feed
 * the summary while they stream; the document is laid out at the end.
 *
 * The standard PDF fonts cover Latin-1 only (WinAnsi); other characters in gate or device names
 * print as substitutes. Embedding a Unicode font would need one shipped with the app.
 */
import PDFDocument from 'pdfkit';
import type { CheckInDoc } from '../db';
import type { ReportSink } from './atomic-file';
import { drawTable, ensureRoom, PDF_COLORS, sectionTitle, type PdfColumn } from './pdf-table';
import type { ReportAlert } from './report-alerts';
import type { ReportSummary } from './report-summary';
import type { ReportClock } from './time-zone';
import type { ReportInfoLine } from './xlsx-writer';

export interface PdfReportOptions {
  readonly clock: ReportClock;
  readonly title: string;
}

const num = (n: number): string => n.toLocaleString('en-US');
const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const right = (header: string, weight = 1): PdfColumn => ({ header, weight, align: 'right' });
const left = (header: string, weight = 1.5): PdfColumn => ({ header, weight });

function totals(doc: PDFKit.PDFDocument, summary: ReportSummary, clock: ReportClock): void {
  const peak = summary.hours.reduce<ReportSummary['hours'][number] | undefined>(
    (best, h) => (!best || h.checkIns > best.checkIns ? h : best),
    undefined,
  );
  const boxes: Array<[string, string]> = [
    ['Check-ins', num(summary.checkIns)],
    ['Tickets admitted', num(summary.checkIns - summary.reentries)],
    ['Re-entries', num(summary.reentries)],
    ['Gates', num(summary.gates.length)],
    ['Devices', num(summary.devices.length)],
    ['Scanner sessions', num(summary.sessions.length)],
  ];
  const x0 = doc.page.margins.left;
  const width = doc.page.width - x0 - doc.page.margins.right;
  const boxW = width / 3;
  const boxH = 44;
  ensureRoom(doc, boxH * 2 + 40);
  const y0 = doc.y;
  boxes.forEach(([label, value], i) => {
    const x = x0 + (i % 3) * boxW;
    const y = y0 + Math.floor(i / 3) * boxH;
    doc.rect(x + 2, y + 2, boxW - 4, boxH - 4).fill(PDF_COLORS.zebra);
    doc.font('Helvetica').fontSize(8).fillColor(PDF_COLORS.muted);
    doc.text(label, x + 10, y + 8, { width: boxW - 20, lineBreak: false });
    doc.font('Helvetica-Bold').fontSize(16).fillColor(PDF_COLORS.text);
    doc.text(value, x + 10, y + 20, { width: boxW - 20, lineBreak: false });
  });
  doc.x = x0;
  doc.y = y0 + boxH * 2 + 4;
  doc.font('Helvetica').fontSize(9).fillColor(PDF_COLORS.text);
  const span =
    summary.first === null || summary.last === null
      ? 'No check-ins in this report.'
      : `First check-in ${clock.short(summary.first)}, last ${clock.short(summary.last)}` +
        (peak ? `; busiest hour ${peak.label} with ${num(peak.checkIns)} check-ins.` : '.');
  doc.text(span, x0, doc.y, { width });
}

/** Bars of check-ins per hour; hours are grouped when there are too many to draw one by one. */
function arrivalsChart(doc: PDFKit.PDFDocument, summary: ReportSummary): void {
  if (summary.hours.length === 0) return;
  const x0 = doc.page.margins.left + 30;
  const width = doc.page.width - doc.page.margins.right - x0;
  const height = 120;
  ensureRoom(doc, height + 36);
  const group = Math.max(1, Math.ceil(summary.hours.length / 120));
  const bars: Array<{ label: string; count: number }> = [];
  for (let i = 0; i < summary.hours.length; i += group) {
    const slice = summary.hours.slice(i, i + group);
    bars.push({ label: slice[0]!.label, count: slice.reduce((s, h) => s + h.checkIns, 0) });
  }
  const max = Math.max(1, ...bars.map((b) => b.count));
  const top = doc.y + 6;
  const base = top + height;
  const step = width / bars.length;
  doc.lineWidth(0.5).strokeColor(PDF_COLORS.rule);
  for (const frac of [0, 0.5, 1]) {
    const y = base - frac * height;
    doc
      .moveTo(x0, y)
      .lineTo(x0 + width, y)
      .stroke();
    doc.font('Helvetica').fontSize(7).fillColor(PDF_COLORS.muted);
    doc.text(num(Math.round(frac * max)), x0 - 32, y - 3, {
      width: 28,
      align: 'right',
      lineBreak: false,
    });
  }
  bars.forEach((b, i) => {
    const h = (b.count / max) * height;
    if (h > 0)
      doc.rect(x0 + i * step + step * 0.12, base - h, step * 0.76, h).fill(PDF_COLORS.accent);
  });
  // Label a handful of bars: the hour (HH:00), with the date where the day changes.
  const every = Math.max(1, Math.ceil(bars.length / 10));
  doc.font('Helvetica').fontSize(6.5).fillColor(PDF_COLORS.muted);
  let lastDay = '';
  bars.forEach((b, i) => {
    if (i % every !== 0) return;
    const day = b.label.slice(0, 10);
    const text = day !== lastDay ? `${day.slice(5)} ${b.label.slice(11)}` : b.label.slice(11);
    lastDay = day;
    doc.text(text, x0 + i * step, base + 3, { width: 60, lineBreak: false });
  });
  doc.x = doc.page.margins.left;
  doc.y = base + 16;
  doc.fillColor(PDF_COLORS.text);
  if (group > 1) {
    doc.font('Helvetica-Oblique').fontSize(7.5).fillColor(PDF_COLORS.muted);
    doc.text(`Each bar is ${group} hours.`);
    doc.fillColor(PDF_COLORS.text);
  }
}

export function pdfReport(options: PdfReportOptions, sink: ReportSink) {
  const { clock } = options;
  const t = (ms: number): string => clock.short(ms);
  return {
    async start(): Promise<void> {},
    async rows(_docs: ReadonlyArray<Readonly<CheckInDoc>>): Promise<void> {},
    async finish(
      summary: ReportSummary,
      info: ReadonlyArray<ReportInfoLine>,
      alerts: ReadonlyArray<ReportAlert>,
    ): Promise<void> {
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
      totals(doc, summary, clock);

      sectionTitle(doc, `Arrivals per hour (${clock.zone})`, 150);
      arrivalsChart(doc, summary);
      drawTable(
        doc,
        [left('Hour', 2), right('Check-ins'), right('Re-entries')],
        summary.hours.map((h) => [h.label, num(h.checkIns), num(h.reentries)]),
      );

      sectionTitle(doc, 'By gate');
      drawTable(
        doc,
        [
          left('Gate'),
          right('Check-ins'),
          right('Re-entries'),
          right('Devices'),
          right('Sessions'),
          left('First', 1.3),
          left('Last', 1.3),
        ],
        summary.gates.map((g) => [
          g.gate || '(no gate)',
          num(g.checkIns),
          num(g.reentries),
          num(g.devices),
          num(g.sessions),
          t(g.first),
          t(g.last),
        ]),
      );

      sectionTitle(doc, 'By scanner session');
      drawTable(
        doc,
        [
          left('Session', 1.8),
          left('Device', 1.2),
          left('Gate', 1),
          right('Check-ins', 0.9),
          left('First', 1.3),
          left('Last', 1.3),
        ],
        summary.sessions.map((s) => [
          s.sessionId,
          s.devices || '(none)',
          s.gates || '(no gate)',
          num(s.checkIns),
          t(s.first),
          t(s.last),
        ]),
      );

      sectionTitle(doc, 'By device');
      drawTable(
        doc,
        [
          left('Device', 1.4),
          left('Gates', 1.2),
          right('Sessions', 0.8),
          right('Check-ins', 0.9),
          right('Avg lag (s)', 0.9),
          right('Max lag (s)', 0.9),
          left('Last', 1.3),
        ],
        summary.devices.map((d) => [
          d.deviceId || '(none)',
          d.gates || '(no gate)',
          num(d.sessions),
          num(d.checkIns),
          seconds(d.avgLagMs),
          seconds(d.maxLagMs),
          t(d.last),
        ]),
      );

      sectionTitle(doc, 'Open alerts');
      drawTable(
        doc,
        [left('Severity', 0.8), left('Alert', 3), left('Since', 1.3)],
        alerts.map((a) => [a.severity, a.detail ? `${a.title}: ${a.detail}` : a.title, t(a.since)]),
        'No open alerts.',
      );

      // Footer on every page: which report, page x of y.
      const range = doc.bufferedPageRange();
      for (let i = range.start; i < range.start + range.count; i++) {
        doc.switchToPage(i);
        const y = doc.page.height - 36;
        const bottom = doc.page.margins.bottom;
        doc.page.margins.bottom = 0; // writing inside the bottom margin must not add a page
        doc.font('Helvetica').fontSize(7.5).fillColor(PDF_COLORS.muted);
        const w = doc.page.width - x0 - doc.page.margins.right;
        doc.text(options.title, x0, y, { width: w, align: 'left', lineBreak: false });
        doc.text(`Page ${i + 1} of ${range.count}`, x0, y, {
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
