import { describe, expect, it } from 'vitest';
import { emptyActivity, foldCheckIn } from '../../../../shared/domain/activity-aggregator';
import { devicesPage, sessionsPage } from '../../../../shared/domain/activity-pages';
import { gateVms, overviewVm } from '../../../../shared/domain/activity-views';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';
import { row as checkIn, MIN, T0 } from '../../../helpers/activity-fixtures';

const t = DEFAULT_SETTINGS.thresholds;

describe('gate windows, sparkline, products', () => {
  it('counts the last 5/15/30/60 minutes per gate and ranks the overview by the last 5', () => {
    const s = emptyActivity();
    let seq = 0;
    // G1: one scan a minute for the past hour. G2: 20 scans in the last 3 minutes, VIP only.
    for (let m = 0; m < 60; m++)
      foldCheckIn(s, checkIn(++seq, { gate: 'G1', checkedInAt: T0 + m * MIN }));
    for (let i = 0; i < 20; i++) {
      foldCheckIn(
        s,
        checkIn(++seq, { gate: 'G2', productId: 'VIP', checkedInAt: T0 + 57 * MIN + i * 9000 }),
      );
    }
    const now = T0 + 59 * MIN + 30_000;
    const [g1, g2] = gateVms(s, now, t);
    expect([g1!.last5, g1!.last15, g1!.last30, g1!.last60]).toEqual([5, 15, 30, 60]);
    expect([g2!.last5, g2!.last60]).toEqual([20, 20]);
    expect(g1!.spark).toHaveLength(60);
    expect(g1!.spark.every((v) => v === 1)).toBe(true);
    expect(g2!.products).toEqual([{ productId: 'VIP', count: 20 }]);
    expect(g1!.products).toEqual([{ productId: 'GA', count: 60 }]);
    expect(overviewVm(s, now, t, 60).gates.map((g) => g.gate)).toEqual(['G2', 'G1']);
    expect(overviewVm(s, now, t, 60, 60).gates.map((g) => g.gate)).toEqual(['G1', 'G2']);
  });
});

describe('sorted pages', () => {
  it('sorts sessions by any column both ways; per min is the last 5 minutes, avg the whole session', () => {
    const s = emptyActivity();
    let seq = 0;
    for (let i = 0; i < 10; i++)
      foldCheckIn(
        s,
        checkIn(++seq, { sessionId: 'S-a', deviceId: 'Da', checkedInAt: T0 + i * MIN }),
      );
    for (let i = 0; i < 5; i++)
      foldCheckIn(
        s,
        checkIn(++seq, { sessionId: 'S-b', deviceId: 'Db', checkedInAt: T0 + 9 * MIN + i * 1000 }),
      );
    const now = T0 + 10 * MIN;
    const page = (sort: Parameters<typeof sessionsPage>[3]['sort'], dir?: 'asc' | 'desc') =>
      sessionsPage(s, now, t, { sort, dir, offset: 0, limit: 10 }).rows.map((r) => r.sessionId);
    expect(page('count')).toEqual(['S-a', 'S-b']);
    expect(page('count', 'asc')).toEqual(['S-b', 'S-a']);
    expect(page('session')).toEqual(['S-a', 'S-b']);
    expect(page('rate')).toEqual(['S-b', 'S-a']);
    const rows = sessionsPage(s, now, t, { sort: 'session', offset: 0, limit: 10 }).rows;
    expect(rows.map((r) => [r.ratePerMin, r.avgPerMin])).toEqual([
      [1, 1.1],
      [1.2, 5],
    ]);
  });

  it('sorts devices by upload lag: working laggards first, ended devices with stale lag last', () => {
    const s = emptyActivity();
    let seq = 0;
    const scan = (deviceId: string, at: number, lag: number, gate = 'G1') =>
      foldCheckIn(s, checkIn(++seq, { deviceId, gate, checkedInAt: at, receivedAt: at + lag }));
    scan('ended-huge', T0, 60 * MIN); // stale: ended long ago, with an hour of lag
    scan('ok', T0 + 59 * MIN, 2000);
    scan('front', T0 + 60 * MIN, 1000);
    scan('late', T0 + 50 * MIN, 11 * MIN, 'G2'); // buffered offline: 10 min behind the front
    const now = T0 + 61 * MIN;
    const order = (dir?: 'asc' | 'desc') =>
      devicesPage(s, now, t, {
        sort: 'lag',
        dir,
        laggingOnly: false,
        offset: 0,
        limit: 10,
      }).rows.map((r) => r.deviceId);
    expect(order()).toEqual(['late', 'ok', 'front', 'ended-huge']);
    expect(order('asc')).toEqual(['late', 'front', 'ok', 'ended-huge']);
    const page = devicesPage(s, now, t, {
      gate: 'G2',
      sort: 'device',
      laggingOnly: false,
      offset: 0,
      limit: 10,
    });
    expect(page.rows.map((r) => r.deviceId)).toEqual(['late']);
    expect(page.gates).toEqual(['G1', 'G2']);
    const bySession = devicesPage(s, now, t, {
      sessionId: 'S1',
      sort: 'device',
      laggingOnly: false,
      offset: 0,
      limit: 10,
    });
    expect(bySession.total).toBe(4);
  });

  it('keeps "last seen" per device: a backlog received at one instant does not make all seen then', () => {
    const s = emptyActivity();
    const arrival = T0 + 60 * MIN;
    foldCheckIn(
      s,
      checkIn(1, { deviceId: 'A', checkedInAt: T0, time: T0 + 1000, receivedAt: arrival }),
    );
    foldCheckIn(s, checkIn(2, { deviceId: 'B', checkedInAt: T0 + 30 * MIN, receivedAt: arrival }));
    const rows = devicesPage(s, arrival, t, {
      sort: 'device',
      laggingOnly: false,
      offset: 0,
      limit: 10,
    }).rows;
    expect(rows.map((r) => [r.deviceId, r.lastSeenAt])).toEqual([
      ['A', T0 + 1000],
      ['B', T0 + 30 * MIN],
    ]);
  });
});
