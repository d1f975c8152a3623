import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startDashboardServices,
  type DashboardServices,
} from '../../../../electron/app/dashboard-services';
import { ManualRelayStatus } from '../../../helpers/manual-relay-status';
import { registerAllHandlers } from '../../../../electron/api/register-all';
import { ApiRouter } from '../../../../electron/api/router';
import { watch } from '../../../../electron/api/watch';
import type { GateOpsDatabase } from '../../../../electron/db';
import { buildApi, type AlertsList, type GateOpsApi, type Overview } from '../../../../shared/api';
import {
  checkIn,
  memoryDb,
  quarantined,
  storeCheckIns,
  T0,
} from '../../../helpers/activity-fixtures';
import { inProcessTransport } from '../../../helpers/api';

/** Resolves with the first event that satisfies `until`. */
function next<T>(
  subscribe: (l: (e: T) => void) => () => void,
  until: (e: T) => boolean,
): Promise<T> {
  return new Promise((resolve) => {
    const stop = subscribe((e) => {
      if (until(e)) {
        queueMicrotask(() => stop());
        resolve(e);
      }
    });
  });
}

let db: GateOpsDatabase;
let services: DashboardServices;
let api: GateOpsApi;

async function setup(relay = new ManualRelayStatus({ state: 'live', demo: true, url: null })) {
  db = await memoryDb();
  services = await startDashboardServices({
    db,
    relay,
    now: () => T0 + 60_000,
    snapshotEveryMs: 0,
    alertTickMs: 0,
  });
  const router = new ApiRouter();
  registerAllHandlers(router, {
    ...services,
    appInfo: () => ({ version: '1', host: 'headless', demo: true, dataDir: '/d' }),
  });
  api = buildApi(inProcessTransport(router));
  return { relay };
}

afterEach(async () => {
  await services?.close();
  await db?.close();
});

describe('dashboard API', () => {
  it('answers queries with view models and pushes changes to watchers', async () => {
    await setup();
    expect((await api.getOverview({})).totals.checkins).toBe(0);
    const seen = next<Overview>(
      (l) => api.watchOverview({ minutes: 30 }, l),
      (o) => o.totals.checkins === 3,
    );
    await storeCheckIns(db, [checkIn(1), checkIn(2, { gate: 'G2' })]);
    await storeCheckIns(db, [checkIn(3, { sessionId: 'S2', deviceId: 'D2' })]);
    const o = await seen;
    expect(o.gates.map((g) => [g.gate, g.count])).toEqual([
      ['G1', 2],
      ['G2', 1],
    ]);
    expect(o.perMinute).toHaveLength(30);
    // S1 scanned at G1 then G2: a session is where its latest scan was.
    const sessions = await api.getSessions({ gate: 'G1' });
    expect(sessions.rows.map((s) => s.sessionId)).toEqual(['S2']);
    expect((await api.getSessions({ gate: 'G2' })).rows.map((s) => s.sessionId)).toEqual(['S1']);
    const devices = await api.getDevices({ sort: 'count' });
    expect(devices.rows[0]).toMatchObject({ deviceId: 'D1', count: 2 });
    // Unfiltered: the total comes from the activity model, the rows newest first.
    const all = await api.searchCheckIns({ limit: 2 });
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => r.ticketId)).toEqual(['T-3', 'T-2']);
    expect((await api.searchCheckIns({ offset: 2 })).rows.map((r) => r.ticketId)).toEqual(['T-1']);
    const page = await api.searchCheckIns({ text: 'T-2', field: 'ticket' });
    expect(page.rows.map((r) => r.ticketId)).toEqual(['T-2']);
    expect(JSON.parse((await api.getCheckIn({ id: page.rows[0]!.id })).raw).data.ticket_id).toBe(
      'T-2',
    );
    await expect(api.getCheckIn({ id: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('validates every request before a service sees it', async () => {
    await setup();
    await expect(api.getSessions({ limit: 0 })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(api.searchCheckIns({ text: 'x'.repeat(129) })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(api.acknowledgeAlerts({ ids: [] })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(api.getOverview({ minutes: 5 })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('lists quarantine and alerts, acknowledges, and follows the relay status', async () => {
    const { relay } = await setup();
    await db.quarantine.insert(quarantined(5));
    const alerts = await next<AlertsList>(
      (l) => api.watchAlerts({}, l),
      (a) => a.openCount === 1,
    );
    expect(alerts.alerts[0]?.kind).toBe('quarantine');
    const q = await api.listQuarantine({});
    expect(q.total).toBe(1);
    expect((await api.getQuarantined({ id: q.rows[0]!.id })).text).toBe('{oops');
    expect(await api.acknowledgeAlerts({ ids: [alerts.alerts[0]!.id] })).toEqual({
      acknowledged: 1,
    });
    expect((await api.listAlerts({})).openCount).toBe(0);

    const states: string[] = [];
    const stop = api.watchRelayStatus({}, (s) => states.push(s.state));
    relay.set({
      state: 'reconnecting',
      demo: true,
      url: null,
      attempt: 2,
      nextRetryAt: T0,
      offlineSince: T0,
    });
    stop();
    relay.set({ state: 'live', demo: true, url: null });
    expect(states).toEqual(['live', 'reconnecting']);
    expect((await api.getRelayStatus({})).state).toBe('live');
    expect((await api.getAppInfo({})).host).toBe('headless');
  });
});

describe('watch', () => {
  it('sends the first value at once, coalesces a burst and never repeats an equal value', async () => {
    const changes = new Subject<void>();
    let value = 1;
    let computed = 0;
    const emitted: number[] = [];
    let resolveSecond: () => void = () => undefined;
    const second = new Promise<void>((r) => (resolveSecond = r));
    const stop = watch(
      changes,
      () => {
        computed += 1;
        return value;
      },
      (v) => {
        emitted.push(v);
        if (emitted.length === 2) resolveSecond();
      },
      { minIntervalMs: 20, refreshMs: 0 },
    );
    expect(emitted).toEqual([1]);
    for (let i = 0; i < 100; i++) changes.next(); // one burst, one tick
    value = 2;
    await second;
    expect(emitted).toEqual([1, 2]);
    expect(computed).toBe(2);
    // A change that leaves the value as it was sends nothing.
    let recomputed!: () => void;
    const again = new Promise<void>((r) => (recomputed = r));
    let computed2 = 0;
    const emitted2: number[] = [];
    const stop2 = watch(
      changes,
      () => {
        computed2 += 1;
        if (computed2 === 2) recomputed();
        return value;
      },
      (v) => emitted2.push(v),
      { minIntervalMs: 0, refreshMs: 0 },
    );
    expect(emitted2).toEqual([2]); // its first value, at once
    changes.next();
    await again; // recomputed after the change, to the same value
    stop2();
    stop();
    expect(computed2).toBe(2);
    expect(emitted2).toEqual([2]);
    expect(emitted).toEqual([1, 2]);
  });
});
