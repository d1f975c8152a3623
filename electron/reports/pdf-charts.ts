/**
 * The PDF's figures: the totals boxes and the arrivals bar chart (per hour, or per quarter-hour
 * for a short report, grouped when there are too many bars to draw one by one).
 */
import { ensureRoom, PDF_COLORS } from './pdf-table';
import type { ReportSummary } from './report-summary';
import type { ReportClock } from './time-zone';

type Doc = PDFKit.PDFDocument;

const num = (n: number): string => n.toLocaleString('en-US');
const QUARTER = 15 * 60_000;
/** Reports spanning at most this long chart quarter-hours instead of hours. */
export const QUARTER_CHART_MAX_SPAN = 6 * 60 * 60_000;

export function totalsBoxes(doc: Doc, summary: ReportSummary, clock: ReportClock): void {
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

interface Bar {
  readonly label: string;
  readonly count: number;
}

/** Quarter-hour bars when the report is short, else hour bars; and what a bar stands for. */
export function arrivalBars(
  summary: ReportSummary,
  clock: ReportClock,
): { bars: Bar[]; unit: string } {
  const short =
    summary.first !== null &&
    summary.last !== null &&
    summary.last - summary.first <= QUARTER_CHART_MAX_SPAN;
  if (short && summary.first !== null && summary.last !== null) {
    const byStart = new Map(summary.quarters.map((q) => [q.start, q.checkIns]));
    const bars: Bar[] = [];
    const first = Math.floor(summary.first / QUARTER) * QUARTER;
    for (let t = first; t <= summary.last; t += QUARTER) {
      bars.push({ label: clock.short(t), count: byStart.get(t) ?? 0 });
    }
    return { bars, unit: '15 minutes' };
  }
  const group = Math.max(1, Math.ceil(summary.hours.length / 120));
  const bars: Bar[] = [];
  for (let i = 0; i < summary.hours.length; i += group) {
    const slice = summary.hours.slice(i, i + group);
    bars.push({ label: slice[0]!.label, count: slice.reduce((s, h) => s + h.checkIns, 0) });
  }
  return { bars, unit: group > 1 ? `${group} hours` : 'hour' };
}

/** Bars with a few labelled; `label` is "YYYY-MM-DD HH:MM". */
export function barChart(doc: Doc, bars: ReadonlyArray<Bar>, unit: string): void {
  if (bars.length === 0) return;
  const x0 = doc.page.margins.left + 30;
  const width = doc.page.width - doc.page.margins.right - x0;
  const height = 120;
  ensureRoom(doc, height + 36);
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
  // Label a handful of bars: the time, with the date where the day changes.
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
  doc.font('Helvetica-Oblique').fontSize(7.5).fillColor(PDF_COLORS.muted);
  doc.text(`Each bar is ${unit === 'hour' ? 'one hour' : unit}.`);
  doc.fillColor(PDF_COLORS.text);
}
