import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReportRecord } from '../../../../electron/db';
import { CSV_OPTIONS, encodeCsvRecords } from '../../../../electron/reports/csv-encode';
import { CsvReportEncoder } from '../../../../electron/reports/csv-writer';
import { reportColumns } from '../../../../electron/reports/report-columns';
import { timeValue } from '../../../../electron/reports/report-times';
import { createReportClock } from '../../../../electron/reports/time-zone';

/** Strings rich in what CSV and spreadsheets care about. */
const cell = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      'a',
      'Z',
      '1',
      ' ',
      ',',
      '"',
      '\r',
      '\n',
      '=',
      '+',
      '-',
      '@',
      '\t',
      '\0',
      '\u0001',
      '＝',
      '＋',
      '－',
      '＠',
      'é',
      '李',
      "'",
    ),
  }),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', '-', '=', '"', ',', '\r\n', '2026-05-05T16:00:00.000Z', 'true'),
);
const records = fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 30 });

describe('encodeCsvRecords', () => {
  it('writes exactly what csv-stringify writes for the same records', () => {
    fc.assert(
      fc.property(records, (rs) => {
        expect(encodeCsvRecords(rs)).toBe(stringify(rs, CSV_OPTIONS));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back with csv-parse as the records, formula cells quote-prefixed', () => {
    fc.assert(
      fc.property(
        records.filter((rs) => rs.every((r) => !(r.length === 1 && r[0] === ''))),
        (rs) => {
          const back = parse(encodeCsvRecords(rs), { relax_column_count: true }) as string[][];
          const want = rs.map((r) => r.map((v) => (/^[=+\-@\t\r＝＋－＠]/.test(v) ? `'${v}` : v)));
          expect(back).toEqual(want);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('falls back to csv-stringify for a page holding the sentinel characters', () => {
    const rs = [
      ['a\0\u0001b', 'x,y'],
      ['\0\u0001', '=1'],
    ];
    expect(encodeCsvRecords(rs)).toBe(stringify(rs, CSV_OPTIONS));
  });
});

describe('CsvReportEncoder', () => {
  const clock = createReportClock('UTC');
  const text = fc.oneof(cell, fc.constant(null));
  const record = fc
    .tuple(
      fc.array(text, { minLength: 9, maxLength: 9 }),
      fc.integer({ min: 0, max: Date.UTC(2099, 0, 1) }),
      fc.oneof(fc.constant('2026-05-05T16:00:00.123Z'), fc.constant('2026-05-05T18:00:00+02:00')),
      fc.integer({ min: 0, max: Date.UTC(2099, 0, 1) }),
      fc.integer({ min: 0, max: 1 }),
    )
    .map(([texts, at, occurred, received, reentry]) => {
      const r = [...texts, at, occurred, received, reentry, at, 'id'];
      return r as unknown as ReportRecord;
    });

  it('writes each row exactly as encodeCsvRecords writes its cells (csv-stringify)', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 20 }), fc.boolean(), (rs, pii) => {
        const columns = reportColumns(pii);
        const encoder = new CsvReportEncoder({ columns, clock, bom: false });
        encoder.header();
        const cells = rs.map((r) =>
          columns.map((c) => {
            const v = r[c.at];
            if (c.kind === 'text') return typeof v === 'string' ? v : c.pii ? '' : String(v);
            if (c.kind === 'time') return clock.iso(timeValue(v));
            return v ? 'true' : 'false';
          }),
        );
        expect(encoder.encode(rs)).toBe(encodeCsvRecords(cells));
      }),
      { numRuns: 1000 },
    );
  });
});
