import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_COLUMNS } from '../../../../electron/reports/report-columns';
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

const neutral = (v: string) => (/^[=+\-@\t\r＝＋－＠]/.test(v) ? `'${v}` : v);

/** What each CSV cell must hold for a stored check-in (times in UTC). */
function storedRow(d: CheckInRow, pii: boolean): Record<string, string> {
  const row: Record<string, string> = {
    check_in_id: neutral(d.checkInId),
    ticket_id: neutral(d.ticketId),
    event_id: d.eventId,
    product_id: d.productId,
    attendee_name: neutral(d.attendeeName ?? ''),
    attendee_email: neutral(d.attendeeEmail ?? ''),
    gate: d.gate,
    device_id: d.deviceId,
    scanner_session_id: d.sessionId,
    checked_in_at: new Date(d.checkedInAt).toISOString(),
    occurred_at: new Date(d.occurredAt).toISOString(),
    received_at: new Date(d.receivedAt).toISOString(),
    reentry: String(d.reentry),
  };
  if (!pii) {
    delete row['attendee_name'];
    delete row['attendee_email'];
  }
  return row;
}

describe('CSV export', () => {
  let f: ReportFixture;
  beforeAll(async () => {
    f = await reportFixture(makeCheckIns({ count: 2500, spacingMs: 3_000 }));
  });
  afterAll(() => f.close());

  async function exportCsv(name: string, input: Omit<ExportRequestInput, 'format'> = {}) {
    const request = exportRequestSchema.parse({ format: 'csv', ...input });
    const outPath = join(f.dir, name);
    const progress: Array<[number, number]> = [];
    const phases: string[] = [];
    const outcome = await runExport(f.db.checkins, resolveExportRequest(request), {
      outPath,
      pageSize: 400,
      onProgress: (p) => {
        if (phases.at(-1) !== p.phase) phases.push(p.phase);
        if (p.phase !== 'counting') progress.push([p.rowsDone, p.rowsTotal]);
      },
    });
    const bytes = await readFile(outPath);
    return { outcome, bytes, progress, phases };
  }

  it('reads back with a CSV parser as exactly the stored check-ins', async () => {
    const { outcome, bytes, progress, phases } = await exportCsv('all.csv');
    const records = parse(bytes, { columns: true, bom: false }) as Record<string, string>[];
    expect(records).toEqual(expected(f.docs).map((d) => storedRow(d, true)));
    expect(outcome.rows).toBe(2500);
    expect(outcome.bytes).toBe(bytes.length);
    // RFC 4180: CRLF between records, header in the documented column order.
    expect(bytes.toString('utf8').split('\r\n')[0]).toBe(
      REPORT_COLUMNS.map((c) => c.key).join(','),
    );
    expect(bytes[0]).not.toBe(0xef);
    // Counting first (nothing to show as "0 of 0"), then the real rows.
    expect(phases).toEqual(['counting', 'reading']);
    expect(progress[0]).toEqual([0, 2500]);
    expect(progress.at(-1)).toEqual([2500, 2500]);
    expect(progress.length).toBe(1 + Math.ceil(2500 / 400));
    // Nothing left beside the report.
    expect(await readdir(f.dir)).toEqual(['all.csv']);
  });

  it('neutralises cells a spreadsheet would run as a formula', async () => {
    const { bytes } = await exportCsv('formula.csv');
    const records = parse(bytes, { columns: true }) as Record<string, string>[];
    const names = records.map((r) => r['attendee_name']!);
    expect(names).toContain(`'=HYPERLINK("http://x","y")`);
    expect(names).toContain(`'+1 555`);
    expect(names).toContain(`'-42`);
    expect(names).toContain(`'@SUM(A1)`);
    expect(names).toContain(`'\tTabbed`);
    expect(names).toContain(`'\rCarriage`);
    expect(names).toContain(`'＝1+1`);
    expect(names).toContain('Multi\nLine');
    // RFC 4180: a field with a line break is quoted (a reader splitting on bare LF stays right).
    expect(bytes.toString('utf8')).toContain('"Multi\nLine"');
    expect(bytes.toString('utf8')).toContain(`"'\rCarriage"`);
    expect(names).toContain('李小龍');
    expect(records.map((r) => r['attendee_email'])).toContain(`'=cmd|" /C calc"!A0`);
    for (const r of records)
      for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('writes a byte-order mark on request', async () => {
    const { bytes } = await exportCsv('bom.csv', { bom: true });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes, { columns: true, bom: true }) as Record<string, string>[];
    expect(records.length).toBe(2500);
    expect(Object.keys(records[0]!)[0]).toBe('check_in_id');
  });

  it('--no-pii removes the name and e-mail columns', async () => {
    const { bytes } = await exportCsv('nopii.csv', { includePii: false });
    const text = bytes.toString('utf8');
    const records = parse(bytes, { columns: true }) as Record<string, string>[];
    expect(records).toEqual(expected(f.docs).map((d) => storedRow(d, false)));
    expect(text).not.toContain('attendee');
    expect(text).not.toContain('@example.com');
    expect(text).not.toContain('Guest 1');
  });

  it('applies every filter', async () => {
    const from = T0 + 600_000;
    const to = T0 + 3_600_000;
    const cases: Array<[ExportRequestInput['filter'], Parameters<typeof expected>[1]]> = [
      [{ eventId: 'ev-2' }, { eventId: 'ev-2' }],
      [{ gate: 'East' }, { gate: 'East' }],
      [{ gate: '' }, { gate: '' }],
      [{ from: new Date(from).toISOString() }, { from }],
      [{ to: new Date(to).toISOString() }, { to }],
      [
        {
          eventId: 'ev-1',
          gate: 'North',
          from: '2026-05-05T16:10:00Z',
          to: '2026-05-05T19:00+02:00',
        },
        { eventId: 'ev-1', gate: 'North', from, to },
      ],
    ];
    for (const [filter, want] of cases) {
      const { bytes, outcome } = await exportCsv('filtered.csv', { filter });
      const records = parse(bytes, { columns: true }) as Record<string, string>[];
      const rows = expected(f.docs, want);
      expect(rows.length).toBeGreaterThan(0);
      expect(records.map((r) => r['check_in_id'])).toEqual(rows.map((d) => d.checkInId));
      expect(outcome.rows).toBe(rows.length);
    }
  });

  it('writes times in a display time zone with its offset', async () => {
    const { bytes } = await exportCsv('berlin.csv', {
      timeZone: 'Europe/Berlin',
      filter: { from: '2026-05-05T18:00', to: '2026-05-05T18:01' }, // Berlin wall time = 16:00Z
    });
    const records = parse(bytes, { columns: true }) as Record<string, string>[];
    const rows = expected(f.docs, { from: T0, to: T0 + 60_000 });
    expect(records.length).toBe(rows.length);
    expect(records[0]!['checked_in_at']).toBe('2026-05-05T18:00:00.000+02:00');
    for (let i = 0; i < rows.length; i++) {
      expect(Date.parse(records[i]!['checked_in_at']!)).toBe(rows[i]!.checkedInAt);
      expect(Date.parse(records[i]!['received_at']!)).toBe(rows[i]!.receivedAt);
    }
  });

  it('exports an empty range as a header-only file', async () => {
    const { bytes, outcome } = await exportCsv('empty.csv', { filter: { eventId: 'none' } });
    expect(outcome.rows).toBe(0);
    expect(bytes.toString('utf8')).toBe(`${REPORT_COLUMNS.map((c) => c.key).join(',')}\r\n`);
  });
});
