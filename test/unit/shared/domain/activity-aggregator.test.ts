import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyActivity,
  foldCheckIn,
  type ActivityState,
} from '../../../../shared/domain/activity-aggregator';
import { devicesPage, sessionsPage } from '../../../../shared/domain/activity-pages';
import { fromSnapshot, toSnapshot } from '../../../../shared/domain/activity-snapshot';
import { overviewVm } from '../../../../shared/domain/activity-views';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';
import { row as checkIn, MIN, T0 } from '../../../helpers/activity-fixtures';

const t = DEFAULT_SETTINGS.thresholds;

function foldAll(docs: ReturnType<typeof checkIn>[], state: ActivityState = emptyActivity()) {
  for (const d of docs) foldCheckIn(state, d);
  return state;
}

describe('activity aggregator', () => {
  it('counts per session, device, gate, product and minute', () => {
    const docs = [
      checkIn(1, { checkedInAt: T0, gate: 'G1', deviceId: 'D1', sessionId: 'S1' }),
      checkIn(2, {
        checkedInAt: T0 + 10_000,
        gate: 'G1',
        deviceId: 'D1',
        sessionId: 'S1',
        productId: 'VIP',
      }),
      checkIn(4, {
        checkedInAt: T0 + 70_000,
        gate: 'G2',
        deviceId: 'D2',
        sessionId: 'S2',
        reentry: true,
      }),
    ];
    const s = foldAll(docs);
    const now = T0 + 2 * MIN;
    const o = overviewVm(s, now, t, 10);
    expect(o.totals).toMatchObject({
      checkins: 3,
      reentries: 1,
      gates: 2,
      devices: 2,
      sessions: 2,
    });
    expect(o.products).toEqual([
      { productId: 'GA', count: 2 },
      { productId: 'VIP', count: 1 },
    ]);
    expect(o.perMinute.at(-3)).toEqual({ t: T0, count: 2 });
    expect(o.perMinute.at(-2)).toEqual({ t: T0 + MIN, count: 1 });
    expect(o.perMinute.reduce((a, m) => a + m.count, 0)).toBe(3);
    expect(o.gates.map((g) => [g.gate, g.count, g.last5])).toEqual([
      ['G1', 2, 2],
      ['G2', 1, 1],
    ]);
    expect(o.lastIngestSeq).toBe(4);
    expect(o.dataAsOf).toBe(T0 + 70_500);
  });

  it('ignores check-ins at or below the sequence mark (replays never double count)', () => {
    const s = foldAll([checkIn(1), checkIn(2)]);
    expect(foldCheckIn(s, checkIn(2))).toBe(false);
    expect(foldCheckIn(s, checkIn(1))).toBe(false);
    expect(s.checkins).toBe(2);
  });

  it('derives session and device status from thresholds, and ends a session replaced on its device', () => {
    const s = foldAll([
      checkIn(1, { checkedInAt: T0, sessionId: 'old' }),
      checkIn(2, { checkedInAt: T0 + 60_000, sessionId: 'old' }),
      checkIn(3, { checkedInAt: T0 + 120_000, sessionId: 'new' }),
      checkIn(4, { checkedInAt: T0, sessionId: 'other', deviceId: 'D9', gate: 'G9' }),
    ]);
    const at = (now: number) =>
      sessionsPage(s, now, t, { sort: 'lastScan', offset: 0, limit: 10 }).rows;
    const byId = (now: number) => Object.fromEntries(at(now).map((r) => [r.sessionId, r.status]));
    expect(byId(T0 + 3 * MIN)).toEqual({ new: 'active', old: 'ended', other: 'active' });
    expect(byId(T0 + 8 * MIN)).toEqual({ new: 'idle', old: 'ended', other: 'idle' });
    expect(byId(T0 + 40 * MIN)).toEqual({ new: 'ended', old: 'ended', other: 'ended' });
    const d1 = devicesPage(s, T0 + 3 * MIN, t, {
      laggingOnly: false,
      sort: 'device',
      offset: 0,
      limit: 10,
    }).rows[0];
    expect(d1).toMatchObject({
      deviceId: 'D1',
      sessionId: 'new',
      count: 3,
      status: 'active',
      last5: 3,
    });
  });

  it('flags a device uploading behind the venue, not a backlog replayed in order', () => {
    const page = (state: ReturnType<typeof foldAll>, now: number) =>
      devicesPage(state, now, t, { laggingOnly: false, sort: 'device', offset: 0, limit: 10 }).rows;
    // D1..D5 upload at once; D6 was offline and uploads a 9-minute-old scan afterwards.
    const live = [];
    for (let i = 1; i <= 5; i++) {
      const at = T0 + i * 2 * MIN;
      live.push(checkIn(i, { deviceId: `D${i}`, checkedInAt: at, receivedAt: at + 1000 }));
    }
    live.push(checkIn(6, { deviceId: 'D6', checkedInAt: T0 + MIN, receivedAt: T0 + 10 * MIN }));
    const rows = page(foldAll(live), T0 + 11 * MIN);
    expect(rows.filter((r) => r.lagging).map((r) => r.deviceId)).toEqual(['D6']);
    expect(rows.find((r) => r.deviceId === 'D6')).toMatchObject({
      behindMs: 9 * MIN,
      uploadLagMs: 9 * MIN,
    });
    // Our link was down: 40 minutes of scans arrive at once, in order. Late, but nobody is behind.
    const replay = [];
    for (let i = 1; i <= 40; i++) {
      const at = T0 + i * MIN;
      replay.push(
        checkIn(i, { deviceId: `D${i % 6}`, checkedInAt: at, receivedAt: T0 + 45 * MIN }),
      );
    }
    const replayed = page(foldAll(replay), T0 + 46 * MIN);
    expect(replayed.filter((r) => r.lagging)).toEqual([]);
    // …while the naive received-minus-scanned lag would flag every one of them.
    expect(Math.min(...replayed.map((r) => r.uploadLagMs))).toBeGreaterThan(
      t.uploadLagSeconds * 1000,
    );
  });

  it('snapshot then the rest equals folding everything (any split point)', () => {
    const doc = fc.record({
      gap: fc.integer({ min: 1, max: 3 }),
      dt: fc.integer({ min: -120_000, max: 300_000 }),
      lag: fc.integer({ min: 0, max: 900_000 }),
      device: fc.constantFrom('D1', 'D2', 'D3', ''),
      gate: fc.constantFrom('G1', 'G2', ''),
      session: fc.constantFrom('S1', 'S2', 'S3', 'S4'),
      reentry: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 80 }), fc.nat(), (specs, cut) => {
        let seq = 0;
        let at = T0;
        const docs = specs.map((x) => {
          seq += x.gap;
          at = Math.max(T0, at + x.dt);
          return checkIn(seq, {
            checkedInAt: at,
            receivedAt: at + x.lag,
            deviceId: x.device,
            gate: x.gate,
            sessionId: x.session,
            reentry: x.reentry,
          });
        });
        const split = cut % (docs.length + 1);
        const whole = foldAll(docs);
        const first = foldAll(docs.slice(0, split));
        const restored = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(first))));
        expect(restored).not.toBeNull();
        // Overlap on purpose: a replayed range must be ignored.
        const resumed = foldAll(docs.slice(Math.max(0, split - 3)), restored!);
        expect(toSnapshot(resumed)).toEqual(toSnapshot(whole));
        const now = at + 3 * MIN;
        expect(overviewVm(resumed, now, t, 60)).toEqual(overviewVm(whole, now, t, 60));
      }),
      { numRuns: 150 },
    );
  });

  it('rejects a snapshot it does not understand', () => {
    expect(fromSnapshot(null)).toBeNull();
    expect(fromSnapshot({ v: 2, lastIngestSeq: 1, sessions: [] })).toBeNull();
    expect(fromSnapshot({ v: 3, lastIngestSeq: 1, sessions: [] })).toBeNull();
    expect(fromSnapshot({ v: 1, lastIngestSeq: 'x' })).toBeNull();
  });
});
