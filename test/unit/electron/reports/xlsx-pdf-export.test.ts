import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveExportRequest, runExport } from '../../../../electron/reports/run-export';
import {
  exportRequestSchema,
  type ExportRequestInput,
} from '../../../../shared/api/channels/reports';
import type { CheckInRow } from '../../../../shared/api/channels/checkins';
import {
  expected,
  makeCheckIns,
  reportFixture,
  T0,
  type ReportFixture,
} from '../../../helpers/report-fixtures';

const HOUR = 3_600_000;
const MIN = 60_000;

const LONG_NOTE = `Long handover note. ${'Stewards rotated at the inner gates; '.repeat(40)}End of the long note.`;
/** The shift log a report's context carries: the report picks its gate's and period's notes. */
const SHIFT_LOG = [
  {
    id: 'n-before',
    author: 'Early — Jo',
    at: T0 - HOUR,
    gate: 'North',
    text: 'Doors opened late.',
    corrects: '',
  },
  {
    id: 'n-queue',
    author: 'North doors — Anna',
    at: T0 + HOUR,
    gate: 'North',
    text: 'Queue at North reached the car park.',
    corrects: '',
  },
  {
    id: 'n-south',
    author: 'South — Ben',
    at: T0 + HOUR + 10 * MIN,
    gate: 'South',
    text: 'South scanner swapped.',
    corrects: '',
  },
  {
    id: 'n-venue',
    author: 'Ops lead — Sam',
    at: T0 + 2 * HOUR,
    gate: '',
    text: 'Medical team moved to the main stage.',
    corrects: '',
  },
  {
    id: 'n-fix',
    author: 'Ops lead — Sam',
    at: T0 + 2 * HOUR + 5 * MIN,
    gate: 'North',
    text: 'The queue reached the fence, not the car park.',
    corrects: 'n-queue',
  },
  {
    id: 'n-fix-old',
    author: 'North doors — Anna',
    at: T0 + 2 * HOUR + 6 * MIN,
    gate: 'North',
    text: 'Doors opened on time after all.',
    corrects: 'n-before',
  },
  {
    id: 'n-long',
    author: 'North doors — Anna',
    at: T0 + 3 * HOUR,
    gate: 'North',
    text: LONG_NOTE,
    corrects: '',
  },
];

function countBy(docs: ReadonlyArray<CheckInRow>, key: (d: CheckInRow) => string | number) {
  const m = new Map<string | number, { n: number; re: number }>();
  for (const d of docs) {
    const e = m.get(key(d)) ?? { n: 0, re: 0 };
    e.n++;
    if (d.reentry) e.re++;
    m.set(key(d), e);
  }
  return m;
}

function sheetRows(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('XLSX and PDF exports', () => {
  let f: ReportFixture;
  beforeAll(async () => {
    // 2,000 check-ins 9 s apart: five hours of arrivals.
    f = await reportFixture(makeCheckIns({ count: 2000, spacingMs: 9_000 }));
  });
  afterAll(() => f.close());

  async function exportTo(
    name: string,
    input: Omit<ExportRequestInput, 'format'> & { format: 'xlsx' | 'pdf' },
    extra: { rowsPerSheet?: number; alerts?: boolean } = {},
  ) {
    const request = exportRequestSchema.parse(input);
    const outPath = join(f.dir, name);
    const outcome = await runExport(f.db.checkins, resolveExportRequest(request), {
      outPath,
      pageSize: 300,
      now: () => Date.UTC(2026, 4, 6, 9, 30),
      rowsPerSheet: extra.rowsPerSheet,
      context: extra.alerts
        ? () => ({
            openAlerts: [
              {
                severity: 'warning',
                kind: 'device-idle',
                gate: 'North',
                title: 'Device dev-1-2 idle at gate North',
                since: T0 + HOUR,
              },
              {
                severity: 'warning',
                kind: 'device-idle',
                gate: 'South',
                title: 'Device dev-9-9 idle at gate South',
                since: T0 + HOUR,
              },
              { severity: 'warning', kind: 'reentry', title: '9 re-entries at 3 gates', since: T0 },
              {
                severity: 'critical',
                kind: 'relay-down',
                title: 'Relay link down',
                since: T0 + 2 * HOUR,
              },
            ],
            outages: [
              { from: T0 + 3 * HOUR, to: T0 + 3 * HOUR + 6 * 60_000, caughtUp: 321 },
              { from: T0 - 48 * HOUR, to: T0 - 47 * HOUR, caughtUp: 5 },
            ],
            totals: { quarantined: 12, conflicts: 3, redelivered: 40 },
            notes: SHIFT_LOG,
          })
        : undefined,
    });
    return { outcome, outPath };
  }

  it('XLSX holds every check-in and summaries with the right numbers', async () => {
    const { outPath, outcome } = await exportTo('report.xlsx', {
      format: 'xlsx',
      filter: { eventId: 'ev-1' },
    });
    const rows = expected(f.docs, { eventId: 'ev-1' });
    expect(outcome.rows).toBe(rows.length);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(outPath);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      'Check-ins',
      'By gate',
      'By session',
      'By device',
      'By hour',
      'Report',
    ]);

    const checkins = sheetRows(wb.getWorksheet('Check-ins')!);
    expect(checkins[0]).toEqual([
      'Check-in ID',
      'Ticket ID',
      'Event',
      'Product',
      'Attendee name',
      'Attendee e-mail',
      'Gate',
      'Device',
      'Scanner session',
      'Checked in at (UTC)',
      'Occurred at (UTC)',
      'Received at (UTC)',
      'Re-entry',
    ]);
    expect(checkins.length).toBe(rows.length + 1);
    rows.forEach((d, i) => {
      const r = checkins[i + 1]!;
      expect(r[0]).toBe(d.checkInId);
      expect(r[1]).toBe(d.ticketId);
      // Text is stored as text, never neutralised: Excel does not evaluate string cells. XML
      // reads a bare carriage return back as a line feed.
      expect(r[4] ?? '').toBe((d.attendeeName ?? '').replace(/\r/g, '\n'));
      expect(r[5] ?? '').toBe(d.attendeeEmail ?? '');
      expect(r[6] ?? '').toBe(d.gate);
      expect((r[9] as Date).getTime()).toBe(d.checkedInAt);
      expect((r[11] as Date).getTime()).toBe(d.receivedAt);
      expect(r[12]).toBe(d.reentry);
    });

    const byGate = sheetRows(wb.getWorksheet('By gate')!).slice(1);
    const gates = countBy(rows, (d) => d.gate);
    expect(byGate.map((r) => [r[0] ?? '', r[1], r[2]])).toEqual(
      [...gates]
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
        .map(([g, c]) => [g, c.n, c.re]),
    );
    const bySession = sheetRows(wb.getWorksheet('By session')!).slice(1);
    const sessions = countBy(rows, (d) => d.sessionId);
    expect(bySession.length).toBe(sessions.size);
    for (const r of bySession) expect(r[3]).toBe(sessions.get(r[0] as string)!.n);
    const byDevice = sheetRows(wb.getWorksheet('By device')!).slice(1);
    const devices = countBy(rows, (d) => d.deviceId);
    expect(byDevice.length).toBe(devices.size);
    for (const r of byDevice) expect(r[3]).toBe(devices.get((r[0] as string | undefined) ?? '')!.n);
    const byHour = sheetRows(wb.getWorksheet('By hour')!).slice(1);
    const hours = countBy(rows, (d) => Math.floor(d.checkedInAt / HOUR) * HOUR);
    expect(byHour.map((r) => [(r[0] as Date).getTime(), r[1], r[2]])).toEqual(
      [...hours].map(([h, c]) => [h, c.n, c.re]),
    );
    expect(byHour.reduce((s, r) => s + (r[1] as number), 0)).toBe(rows.length);

    const info = new Map(sheetRows(wb.getWorksheet('Report')!).map((r) => [r[0], r[1]]));
    expect(info.get('Event')).toBe('ev-1');
    expect(info.get('Check-ins')).toBe(rows.length.toLocaleString('en-US'));
    expect(info.get('Personal data')).toBe('included');
    expect(info.get('Generated')).toBe('2026-05-06T09:30:00.000Z');
    expect(await readdir(f.dir)).toContain('report.xlsx');
  });

  it('XLSX without PII has no name or e-mail column, and rolls over to a second sheet', async () => {
    const { outPath } = await exportTo(
      'nopii.xlsx',
      { format: 'xlsx', includePii: false },
      { rowsPerSheet: 1500 },
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(outPath);
    const first = sheetRows(wb.getWorksheet('Check-ins')!);
    const second = sheetRows(wb.getWorksheet('Check-ins (2)')!);
    expect(first.length).toBe(1501);
    expect(second.length).toBe(2000 - 1500 + 1);
    expect(first[0]).not.toContain('Attendee name');
    expect(first[0]).not.toContain('Attendee e-mail');
    const all = [...first.slice(1), ...second.slice(1)].map((r) => r[0]);
    expect(all).toEqual(expected(f.docs).map((d) => d.checkInId));
    const text = JSON.stringify([...first, ...second]);
    expect(text).not.toContain('@example.com');
    expect(text).not.toContain('Guest ');
  });

  it('XLSX times and hours follow the display time zone', async () => {
    const { outPath } = await exportTo('tz.xlsx', { format: 'xlsx', timeZone: 'America/New_York' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(outPath);
    const rows = sheetRows(wb.getWorksheet('Check-ins')!);
    expect(rows[0]![9]).toBe('Checked in at (America/New_York)');
    const first = expected(f.docs)[0]!;
    // 16:00Z is 12:00 in New York (EDT, -4h): the cell shows wall-clock time.
    expect((rows[1]![9] as Date).getTime()).toBe(first.checkedInAt - 4 * HOUR);
    const hours = sheetRows(wb.getWorksheet('By hour')!);
    expect(hours[0]![0]).toBe('Hour (America/New_York)');
    expect((hours[1]![0] as Date).toISOString()).toBe('2026-05-05T12:00:00.000Z');
  });

  it('PDF text holds the totals, the tables, the alerts and what was exported', async () => {
    const { outPath } = await exportTo(
      'summary.pdf',
      { format: 'pdf', filter: { gate: 'North', from: '2026-05-05T16:30:00Z' } },
      { alerts: true },
    );
    const rows = expected(f.docs, { gate: 'North', from: T0 + HOUR / 2 });
    expect(rows.length).toBeGreaterThan(0);
    const parser = new PDFParse({ data: await readFile(outPath) });
    const { text, total } = await parser.getText();
    await parser.destroy();
    const flat = text.replace(/\s+/g, ' ');
    expect(total).toBeGreaterThanOrEqual(1);
    expect(flat).toContain('Attendance report');
    expect(flat).toContain(`Check-ins ${rows.length.toLocaleString('en-US')}`);
    const reentries = rows.filter((d) => d.reentry).length;
    expect(flat).toContain(`Re-entries ${reentries}`);
    expect(flat).toContain(`Tickets admitted ${(rows.length - reentries).toLocaleString('en-US')}`);
    expect(flat).toContain('Gate: North');
    expect(flat).toContain('Checked in from: 2026-05-05T16:30:00.000Z');
    expect(flat).toContain('Generated: 2026-05-06T09:30:00.000Z');
    // Alerts follow the filter: this gate's and the venue's, never another gate's; re-entries
    // come from the report's own rows.
    expect(flat).toContain('Device dev-1-2 idle at gate North');
    expect(flat).toContain('Relay link down');
    expect(flat).not.toContain('dev-9-9');
    expect(flat).not.toContain('9 re-entries at 3 gates');
    expect(flat).toContain(`Re-entries: ${reentries}`);
    // A 4.5-hour report charts quarter-hours; products have a table.
    expect(flat).toContain('Arrivals per quarter-hour');
    expect(flat).toContain('Each bar is 15 minutes.');
    expect(flat).toContain('By product');
    for (const p of new Set(rows.map((d) => d.productId))) expect(flat).toContain(p);
    // Outages in the range only, with what they caught up; the store's totals.
    expect(flat).toContain('Relay link and rejected messages');
    expect(flat).toMatch(/6\.0 321/);
    expect(flat).not.toMatch(/60\.0 5 /);
    expect(flat).toContain('12 quarantined messages, 3 conflicting redeliveries, 40 redeliveries');
    for (const s of new Set(rows.map((d) => d.sessionId))) expect(flat).toContain(s);
    for (const d of new Set(rows.map((r) => r.deviceId))) expect(flat).toContain(d);
    expect(flat).toMatch(/Page 1 of \d+/);
    // The PDF is a summary: no attendee data in it.
    expect(flat).not.toContain('@example.com');
    // The shift log: the period's notes about North or the whole venue, in full, with author
    // and time; a correction says what it corrects, the corrected note says it was corrected.
    const log = flat.slice(flat.indexOf('Shift log'));
    expect(log).toContain('Notes written in this period about gate North or the whole venue');
    expect(log).toContain('Queue at North reached the car park.');
    expect(log).toContain('Medical team moved to the main stage.');
    expect(log).toMatch(/whole venue Medical team/);
    expect(log).not.toContain('South scanner swapped.');
    expect(log).not.toContain('Doors opened late.');
    expect(log).toMatch(
      /Ops lead — Sam · gate North · CORRECTION of the note of [^·]+ by North doors — Anna The queue reached the fence/,
    );
    expect(log).toMatch(/car park\. Corrected at [^.]+ by Ops lead — Sam\./);
    // A correction of a note before the period still names it.
    expect(log).toMatch(/CORRECTION of the note of [^·]+ by Early — Jo Doors opened on time/);
    expect(log).toContain('End of the long note.');
    expect(log.replace(/ /g, '')).toContain(LONG_NOTE.replace(/ /g, ''));
    expect(log.indexOf('Queue at North')).toBeLessThan(log.indexOf('Medical team'));
  });

  it('PDF says when no note was written in its period, or when the log is not known', async () => {
    const none = await exportTo(
      'quiet.pdf',
      { format: 'pdf', filter: { gate: 'South', to: '2026-05-05T16:30:00Z' } },
      { alerts: true },
    );
    const parser = new PDFParse({ data: await readFile(none.outPath) });
    const flat = (await parser.getText()).text.replace(/\s+/g, ' ');
    await parser.destroy();
    expect(flat).toContain('Shift log');
    expect(flat).toContain('No notes in this period.');
    const unknown = await exportTo('no-log.pdf', { format: 'pdf' });
    const p2 = new PDFParse({ data: await readFile(unknown.outPath) });
    const text2 = (await p2.getText()).text.replace(/\s+/g, ' ');
    await p2.destroy();
    expect(text2).toContain('The shift log is not known here.');
  });

  it('PDF tables run over several pages with the header repeated', async () => {
    // 2,000 rows in sessions of 500 per gate and device → enough sessions? Use every row's hour
    // and session: force many hours with a wide range and check page count and headers.
    const many = makeCheckIns({
      count: 4500,
      spacingMs: 120_000,
      gates: ['A', 'B', 'C', 'D', 'E', 'F'],
    });
    const g = await reportFixture(many);
    try {
      const request = exportRequestSchema.parse({ format: 'pdf' });
      const outPath = join(g.dir, 'long.pdf');
      await runExport(g.db.checkins, resolveExportRequest(request), { outPath });
      const parser = new PDFParse({ data: await readFile(outPath) });
      const result = await parser.getText();
      await parser.destroy();
      expect(result.total).toBeGreaterThan(2);
      // 150 hours of arrivals: the hour table continues on later pages under its header.
      const pagesWithHourHeader = result.pages.filter((p) =>
        /Hour\s+Check-ins\s+Re-entries/.test(p.text),
      );
      expect(pagesWithHourHeader.length).toBeGreaterThan(1);
      const flat = result.text.replace(/\s+/g, ' ');
      expect(flat).toContain(`Page ${result.total} of ${result.total}`);
      expect(flat).toContain('No open alerts.');
      // 54 sessions: the 20 busiest are listed, the rest summed up (not pages of them).
      const sessions = new Set(many.map((d) => d.sessionId)).size;
      expect(sessions).toBe(54);
      expect(flat).toContain(`By scanner session: the 20 busiest of ${sessions}`);
      expect(flat).toContain(`and ${sessions - 20} more sessions`);
      expect(flat).toMatch(/check-ins per session: median \d+/);
      // Over six hours: hourly bars.
      expect(flat).toContain('Arrivals per hour');
    } finally {
      await g.close();
    }
  });
});
