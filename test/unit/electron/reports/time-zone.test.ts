import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createReportClock,
  parseReportTime,
  resolveTimeZone,
} from '../../../../electron/reports/time-zone';
import { timeCells, timeValue } from '../../../../electron/reports/report-times';
import { parseRfc3339 } from '../../../../shared/contract';

const MAX = Date.UTC(2099, 11, 31);

describe('report clock', () => {
  it('writes UTC exactly like toISOString, in any order of calls', () => {
    const clock = createReportClock('UTC');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: MAX }), { maxLength: 50 }), (times) => {
        for (const t of times) expect(clock.iso(t)).toBe(new Date(t).toISOString());
      }),
    );
    // Same minute, then the next: the cached minute must not leak.
    const t = Date.UTC(2026, 4, 5, 16, 0, 59, 999);
    expect([t, t + 1, t - 59_999].map((x) => clock.iso(x))).toEqual([
      '2026-05-05T16:00:59.999Z',
      '2026-05-05T16:01:00.000Z',
      '2026-05-05T16:00:00.000Z',
    ]);
  });

  it('writes wall-clock time with the offset in a zone, across DST changes', () => {
    const berlin = createReportClock('Europe/Berlin');
    expect(berlin.iso(Date.UTC(2026, 4, 5, 16, 0, 0, 5))).toBe('2026-05-05T18:00:00.005+02:00');
    expect(berlin.iso(Date.UTC(2026, 0, 5, 16, 0))).toBe('2026-01-05T17:00:00.000+01:00');
    // 2026-03-29 01:00Z: 02:00 CET becomes 03:00 CEST.
    expect(berlin.iso(Date.UTC(2026, 2, 29, 0, 59, 59, 999))).toBe('2026-03-29T01:59:59.999+01:00');
    expect(berlin.iso(Date.UTC(2026, 2, 29, 1, 0))).toBe('2026-03-29T03:00:00.000+02:00');
    const kolkata = createReportClock('Asia/Kolkata');
    expect(kolkata.iso(Date.UTC(2026, 4, 5, 16, 0))).toBe('2026-05-05T21:30:00.000+05:30');
    const ny = createReportClock('America/New_York');
    expect(ny.iso(Date.UTC(2026, 4, 5, 3, 0))).toBe('2026-05-04T23:00:00.000-04:00');
    // Every written time names the same instant.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), (t) => {
        expect(Date.parse(berlin.iso(t))).toBe(t);
        expect(Date.parse(ny.iso(t))).toBe(t);
      }),
    );
  });

  it('buckets hours on the zone’s wall clock, the repeated autumn hour twice', () => {
    const berlin = createReportClock('Europe/Berlin');
    const t = Date.UTC(2026, 4, 5, 16, 45);
    expect(berlin.hourStart(t)).toBe(Date.UTC(2026, 4, 5, 16, 0));
    expect(berlin.hourLabel(berlin.hourStart(t))).toBe('2026-05-05 18:00');
    // 2026-10-25 01:00Z: 03:00 CEST goes back to 02:00 CET; 02:xx happens twice.
    const first = berlin.hourStart(Date.UTC(2026, 9, 25, 0, 30));
    const second = berlin.hourStart(Date.UTC(2026, 9, 25, 1, 30));
    expect(first).not.toBe(second);
    expect(berlin.hourLabel(first)).toBe('2026-10-25 02:00');
    expect(berlin.hourLabel(second)).toBe('2026-10-25 02:00');
    const kolkata = createReportClock('Asia/Kolkata');
    expect(kolkata.hourStart(Date.UTC(2026, 4, 5, 16, 0))).toBe(Date.UTC(2026, 4, 5, 15, 30));
  });

  it('resolves zone names and refuses unknown ones', () => {
    expect(resolveTimeZone(undefined)).toBe('UTC');
    expect(resolveTimeZone('utc')).toBe('UTC');
    expect(resolveTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(resolveTimeZone('local')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(() => resolveTimeZone('Mars/Olympus')).toThrow(/unknown time zone/);
  });
});

describe('parseReportTime', () => {
  const utc = createReportClock('UTC');
  const berlin = createReportClock('Europe/Berlin');

  it('reads RFC 3339 times with a zone as they say', () => {
    expect(parseReportTime('2026-05-05T18:00:00Z', berlin)).toBe(Date.UTC(2026, 4, 5, 18));
    expect(parseReportTime('2026-05-05T20:00+02:00', utc)).toBe(Date.UTC(2026, 4, 5, 18));
    expect(parseReportTime('2026-05-05 18:00:00.5z', utc)).toBe(
      Date.UTC(2026, 4, 5, 18, 0, 0, 500),
    );
  });

  it('reads times without a zone on the report’s wall clock', () => {
    expect(parseReportTime('2026-05-05', utc)).toBe(Date.UTC(2026, 4, 5));
    expect(parseReportTime('2026-05-05', berlin)).toBe(Date.UTC(2026, 4, 4, 22));
    expect(parseReportTime('2026-05-05T18:00', berlin)).toBe(Date.UTC(2026, 4, 5, 16));
    expect(parseReportTime('2026-05-05 18:00:30.25', berlin)).toBe(
      Date.UTC(2026, 4, 5, 16, 0, 30, 250),
    );
    expect(parseReportTime('2026-01-05T18:00', berlin)).toBe(Date.UTC(2026, 0, 5, 17));
    // Round trip through the writer, including around the DST changes.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX / 60_000 }), (minute) => {
        const t = minute * 60_000;
        const wall = berlin.iso(t).slice(0, 23);
        const back = parseReportTime(wall, berlin)!;
        // The repeated autumn hour is ambiguous without an offset: either reading is that wall time.
        expect(berlin.iso(back).slice(0, 23)).toBe(wall);
      }),
    );
  });

  it('refuses what is not a time', () => {
    for (const bad of [
      '',
      'yesterday',
      '2026-02-30',
      '2026-13-01',
      '2026-05-05T24:00',
      '2026-05-05T18:60',
      '18:00',
      '2026-5-5',
      '1e12',
    ]) {
      expect(parseReportTime(bad, utc)).toBeNull();
    }
  });
});

describe('time cells', () => {
  const two = (n: number) => String(n).padStart(2, '0');
  /** RFC 3339 texts near the normal UTC form: any day 1–31, leap seconds, offsets, precisions. */
  const rfc3339 = fc
    .record({
      year: fc.integer({ min: 1970, max: 2099 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 60 }),
      frac: fc.constantFrom('', '.1', '.123', '.999', '.000', '.1234', '.123456789'),
      zone: fc.constantFrom('Z', 'z', '+02:00', '-05:30', '+00:00'),
    })
    .map(
      (t) =>
        `${t.year}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}:${two(t.second)}${t.frac}${t.zone}`,
    );
  const text = fc.oneof(rfc3339, fc.constantFrom('', 'not a time', '2026-02-30T10:00:00.000Z'));

  it('show a stored RFC 3339 text exactly as the clock shows its parsed time, in any zone', () => {
    for (const zone of ['UTC', 'Europe/Berlin', 'America/St_Johns']) {
      const clock = createReportClock(zone);
      const cells = timeCells(clock);
      fc.assert(
        fc.property(text, (t) => {
          expect(cells(t)).toBe(clock.iso(parseRfc3339(t) ?? 0));
          expect(timeValue(t)).toBe(parseRfc3339(t) ?? 0);
        }),
        { numRuns: 3000 },
      );
    }
  });

  it('keep one minute cache per column: interleaved columns format like iso', () => {
    const clock = createReportClock('Europe/Berlin');
    const a = clock.formatter();
    const b = clock.formatter();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: MAX }), fc.boolean())), (calls) => {
        for (const [t, first] of calls) expect((first ? a : b)(t)).toBe(clock.iso(t));
      }),
    );
  });
});
