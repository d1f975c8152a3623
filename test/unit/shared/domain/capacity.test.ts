import { describe, expect, it } from 'vitest';
import { emptyActivity, foldCheckIn } from '../../../../shared/domain/activity-aggregator';
import { progressVm } from '../../../../shared/domain/capacity';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';
import { checkIn, MIN, T0 } from '../../../helpers/activity-fixtures';

describe('progress toward the expected attendance', () => {
  it('says "not set" without expectations, never 0 %', () => {
    const s = emptyActivity();
    foldCheckIn(s, checkIn(1));
    const p = progressVm(s, DEFAULT_SETTINGS.capacity, T0);
    expect(p.configured).toBe(false);
    expect(p.total).toBeNull();
    expect(p.events).toEqual([
      expect.objectContaining({ eventId: 'E1', admitted: 1, expected: null, percent: null }),
    ]);
  });

  it('counts tickets (not re-entries), and forecasts 90 % and 100 % at the last 15 minutes rate', () => {
    const s = emptyActivity();
    let seq = 0;
    // 150 admissions in the last 15 minutes (10/min) plus 5 re-entries that must not count.
    for (let i = 0; i < 150; i++) foldCheckIn(s, checkIn(++seq, { checkedInAt: T0 + i * 6000 }));
    for (let i = 0; i < 5; i++)
      foldCheckIn(s, checkIn(++seq, { checkedInAt: T0 + i * 6000, reentry: true }));
    const now = T0 + 15 * MIN - 1;
    const p = progressVm(s, { events: { E1: 1000 }, gates: { G1: 300 }, source: null }, now);
    expect(p.total).toMatchObject({ expected: 1000, admitted: 150, percent: 15, ratePerMin: 10 });
    // 750 more to 90 % at 10/min: 75 minutes; 850 to 100 %: 85 minutes.
    expect(p.total!.eta90).toBe(Math.round(now + 75 * MIN));
    expect(p.total!.eta100).toBe(Math.round(now + 85 * MIN));
    expect(p.gates).toEqual([{ gate: 'G1', expected: 300, admitted: 150, percent: 50 }]);
    // An event expected but not seen yet is listed at 0 of N; no rate, no forecast.
    const q = progressVm(s, { events: { E1: 100, E2: 50 }, gates: {}, source: null }, now);
    expect(q.events.find((e) => e.eventId === 'E2')).toMatchObject({
      admitted: 0,
      percent: 0,
      eta100: null,
    });
    // Past 100 %: reached, no forecast.
    expect(q.events.find((e) => e.eventId === 'E1')).toMatchObject({
      percent: 150,
      eta90: null,
      eta100: null,
    });
  });
});
