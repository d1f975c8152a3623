/**
 * The PDF's tables, each short enough to read: long session and device lists are summed up
 * (the busiest or the worst first, the rest counted; the XLSX export has every row), alerts
 * are summed up by kind, re-entries by quarter-hour, and the relay outages and quarantine /
 * conflict totals have their own section.
 */
import { drawTable, ensureRoom, PDF_COLORS, sectionTitle, type PdfColumn } from './pdf-table';
import type { ReportAlert, ReportContext, ReportOutage } from './report-alerts';
import type { ReportSummary } from './report-summary';
import type { ReportClock } from './time-zone';

type Doc = PDFKit.PDFDocument;

const num = (n: number): string => n.toLocaleString('en-US');
const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const right = (header: string, weight = 1): PdfColumn => ({ header, weight, align: 'right' });
const left = (header: string, weight = 1.5): PdfColumn => ({ header, weight });
const pct = (part: number, whole: number): string =>
  whole > 0 ? `${((part / whole) * 100).toFixed(1)} %` : '—';

/** Lists longer than this are summed up: the first SHOWN rows, the rest counted. */
export const LONG_LIST = 40;
const SHOWN = 20;

export function note(doc: Doc, text: string): void {
  doc.font('Helvetica-Oblique').fontSize(8).fillColor(PDF_COLORS.muted);
  doc.text(text, doc.page.margins.left, doc.y + 2, {
    width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
  });
  doc.fillColor(PDF_COLORS.text);
  doc.y += 2;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

export function productsSection(doc: Doc, summary: ReportSummary): void {
  sectionTitle(doc, 'By product');
  drawTable(
    doc,
    [left('Product', 2.5), right('Check-ins'), right('Share'), right('Re-entries')],
    summary.products.map((p) => [
      p.productId,
      num(p.checkIns),
      pct(p.checkIns, summary.checkIns),
      num(p.reentries),
    ]),
  );
}

export function gatesSection(doc: Doc, summary: ReportSummary, t: (ms: number) => string): void {
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
}

export function sessionsSection(doc: Doc, summary: ReportSummary, t: (ms: number) => string): void {
  const all = summary.sessions;
  const long = all.length > LONG_LIST;
  sectionTitle(
    doc,
    long ? `By scanner session: the ${SHOWN} busiest of ${num(all.length)}` : 'By scanner session',
  );
  const rows = long ? [...all].sort((a, b) => b.checkIns - a.checkIns).slice(0, SHOWN) : all;
  if (long) {
    const counts = all.map((s) => s.checkIns);
    note(
      doc,
      `${num(all.length)} sessions; check-ins per session: median ${num(median(counts))}, ` +
        `most ${num(Math.max(...counts))}, fewest ${num(Math.min(...counts))}. ` +
        'The XLSX export lists every session.',
    );
  }
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
    rows.map((s) => [
      s.sessionId,
      s.devices || '(none)',
      s.gates || '(no gate)',
      num(s.checkIns),
      t(s.first),
      t(s.last),
    ]),
  );
  if (long) {
    const rest = all.length - rows.length;
    const restCount =
      all.reduce((a, s) => a + s.checkIns, 0) - rows.reduce((a, s) => a + s.checkIns, 0);
    note(doc, `… and ${num(rest)} more sessions with ${num(restCount)} check-ins.`);
  }
}

export function devicesSection(doc: Doc, summary: ReportSummary, t: (ms: number) => string): void {
  const all = summary.devices;
  const long = all.length > LONG_LIST;
  sectionTitle(
    doc,
    long ? `By device: the ${SHOWN} with the most upload lag of ${num(all.length)}` : 'By device',
  );
  const rows = long ? [...all].sort((a, b) => b.maxLagMs - a.maxLagMs).slice(0, SHOWN) : all;
  if (long) note(doc, `${num(all.length)} devices scanned. The XLSX export lists every device.`);
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
    rows.map((d) => [
      d.deviceId || '(none)',
      d.gates || '(no gate)',
      num(d.sessions),
      num(d.checkIns),
      seconds(d.avgLagMs),
      seconds(d.maxLagMs),
      t(d.last),
    ]),
  );
}

/** Re-entries of this report's own rows, by quarter-hour (busiest gates named). */
export function reentriesSection(doc: Doc, summary: ReportSummary, clock: ReportClock): void {
  sectionTitle(doc, `Re-entries: ${num(summary.reentries)}`);
  const quarters = summary.quarters.filter((q) => q.reentries > 0);
  if (quarters.length === 0) {
    note(doc, 'No ticket was scanned twice in this report.');
    return;
  }
  const long = quarters.length > LONG_LIST;
  const rows = long
    ? [...quarters].sort((a, b) => b.reentries - a.reentries).slice(0, SHOWN)
    : quarters;
  if (long)
    note(doc, `The ${SHOWN} quarter-hours with the most re-entries of ${num(quarters.length)}.`);
  drawTable(
    doc,
    [
      left('Quarter-hour', 1.4),
      right('Re-entries', 0.8),
      right('Of check-ins', 0.9),
      left('Gates', 3),
    ],
    rows.map((q) => [
      clock.short(q.start),
      num(q.reentries),
      pct(q.reentries, q.checkIns),
      q.reentryGates
        .slice(0, 6)
        .map((g) => `${g.gate || '(no gate)'} ${num(g.count)}`)
        .join(', ') + (q.reentryGates.length > 6 ? ` +${q.reentryGates.length - 6}` : ''),
    ]),
  );
}

/** Open alerts summed up by kind: how many, how severe, since when, one example. */
export function alertsSection(
  doc: Doc,
  alerts: ReadonlyArray<ReportAlert>,
  gate: string | undefined,
  t: (ms: number) => string,
): void {
  sectionTitle(doc, 'Alerts open when the report was made');
  note(
    doc,
    gate === undefined
      ? 'Re-entries are counted above from the report’s own check-ins.'
      : `Only alerts about gate ${gate || '(no gate)'} or the whole venue; re-entries are counted above.`,
  );
  const groups = new Map<string, ReportAlert[]>();
  for (const a of alerts) {
    const key = `${a.severity}|${a.kind ?? a.title}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const rank: Record<string, number> = { critical: 0, warning: 1, info: 2 };
  const rows = [...groups.values()]
    .sort(
      (a, b) => (rank[a[0]!.severity] ?? 3) - (rank[b[0]!.severity] ?? 3) || b.length - a.length,
    )
    .map((list) => {
      const first = list.reduce((m, a) => Math.min(m, a.since), Infinity);
      const example = list[0]!;
      return [
        example.severity,
        example.kind ?? '—',
        num(list.length),
        list.length === 1 ? example.title : `${example.title} (and ${num(list.length - 1)} more)`,
        t(first),
      ];
    });
  drawTable(
    doc,
    [
      left('Severity', 0.8),
      left('Kind', 0.9),
      right('Open', 0.5),
      left('Example', 3.2),
      left('Earliest', 1.2),
    ],
    rows,
    'No open alerts.',
  );
}

export function outagesSection(
  doc: Doc,
  outages: ReadonlyArray<ReportOutage>,
  totals: ReportContext['totals'],
  t: (ms: number) => string,
): void {
  sectionTitle(doc, 'Relay link and rejected messages');
  drawTable(
    doc,
    [
      left('Relay down from', 1.3),
      left('Back at', 1.3),
      right('Minutes', 0.7),
      right('Caught up', 0.8),
      left('Last error', 2.2),
    ],
    outages.map((o) => [
      t(o.from),
      o.to === null ? 'still down' : t(o.to),
      o.to === null ? '—' : ((o.to - o.from) / 60_000).toFixed(1),
      num(o.caughtUp),
      o.reason ?? '—',
    ]),
    'The relay link was not down in this period.',
  );
  ensureRoom(doc, 40);
  if (totals) {
    note(
      doc,
      `Whole store (these belong to no gate): ${num(totals.quarantined)} quarantined messages, ` +
        `${num(totals.conflicts)} conflicting redeliveries, ${num(totals.redelivered)} redeliveries ` +
        'of check-ins already stored.',
    );
  } else {
    note(doc, 'Quarantine and conflict totals are not known here.');
  }
}
