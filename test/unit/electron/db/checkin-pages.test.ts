import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countCheckIns,
  distinctValues,
  readCheckInPages,
  type CheckInRange,
} from '../../../../electron/db/checkin-pages';
import {
  expected,
  makeCheckIns,
  reportFixture,
  T0,
  type ReportFixture,
} from '../../../helpers/report-fixtures';

async function readAll(f: ReportFixture, range: CheckInRange, pageSize: number) {
  const ids: string[] = [];
  let pages = 0;
  for await (const page of readCheckInPages(f.db.checkins, range, pageSize)) {
    expect(page.length).toBeLessThanOrEqual(pageSize);
    pages++;
    for (const d of page) ids.push(d.id);
  }
  return { ids, pages };
}

describe('readCheckInPages', () => {
  let f: ReportFixture;
  beforeAll(async () => {
    // 0.3 ms apart: runs of three or four rows share one millisecond, so pages end mid-tie.
    f = await reportFixture(makeCheckIns({ count: 1200, spacingMs: 0.3 }));
  });
  afterAll(() => f.close());

  const ranges: Array<[string, CheckInRange]> = [
    ['everything', {}],
    ['one event', { eventId: 'ev-2' }],
    ['one gate', { gate: 'South' }],
    ['no gate', { gate: '' }],
    ['event and gate', { eventId: 'ev-1', gate: 'North' }],
    ['time range', { from: T0 + 50, to: T0 + 200 }],
    ['event in a time range', { eventId: 'ev-1', from: T0 + 33, to: T0 + 301 }],
    ['gate from a time', { gate: 'East', from: T0 + 100 }],
    ['unknown event', { eventId: 'nope' }],
  ];

  for (const [name, range] of ranges) {
    it(`returns exactly the rows of ${name}, in order, across page sizes`, async () => {
      const want = expected(f.docs, range).map((d) => d.id);
      for (const pageSize of [1, 3, 7, 100, 5000]) {
        const got = await readAll(f, range, pageSize);
        expect(got.ids).toEqual(want);
        expect(got.pages).toBeLessThanOrEqual(Math.ceil(want.length / pageSize) + 1);
      }
      expect(await countCheckIns(f.db.checkins, range)).toBe(want.length);
    });
  }

  it('skips deleted check-ins', async () => {
    const victim = expected(f.docs, { gate: 'North' })[0]!;
    const doc = await f.db.checkins.findOne(victim.id).exec();
    const stored = doc!.toMutableJSON();
    await doc!.remove();
    try {
      const got = await readAll(f, { gate: 'North' }, 50);
      expect(got.ids).not.toContain(victim.id);
      expect(await countCheckIns(f.db.checkins, { gate: 'North' })).toBe(
        expected(f.docs, { gate: 'North' }).length - 1,
      );
    } finally {
      await f.db.checkins.upsert(stored);
    }
  });

  it('lists distinct events and gates along their indexes', async () => {
    expect(await distinctValues(f.db.checkins, 'eventId')).toEqual(['ev-1', 'ev-2']);
    expect(await distinctValues(f.db.checkins, 'gate')).toEqual(['', 'East', 'North', 'South']);
    expect(await distinctValues(f.db.checkins, 'gate', 2)).toEqual(['', 'East']);
  });
});
