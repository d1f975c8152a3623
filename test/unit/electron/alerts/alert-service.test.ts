import { afterEach, describe, expect, it } from 'vitest';
import { ActivityService } from '../../../../electron/activity/activity-service';
import { AlertService } from '../../../../electron/alerts/alert-service';
import { ManualRelayStatus } from '../../../../electron/alerts/relay-status-source';
import type { GateOpsDatabase } from '../../../../electron/db';
import { evaluateAlerts } from '../../../../shared/domain/alert-rules';
import { emptyActivity, foldCheckIn } from '../../../../shared/domain/activity-aggregator';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';
import { checkIn, memoryDb, MIN, quarantined, T0 } from '../../../helpers/activity-fixtures';

const t = DEFAULT_SETTINGS.thresholds;
const live = { state: 'live', demo: false, url: 'ws://relay' } as const;
const noQuarantine = { lastSeq: 0, unacknowledged: 0, firstUnacknowledgedAt: null };

describe('alert rules', () => {
  it('flags a device idle while its gate still has traffic, not a quiet gate', () => {
    const s = emptyActivity();
    foldCheckIn(s, checkIn(1, { deviceId: 'D1', gate: 'G1', checkedInAt: T0 }));
    foldCheckIn(s, checkIn(2, { deviceId: 'D2', gate: 'G1', checkedInAt: T0 + 6 * MIN }));
    foldCheckIn(s, checkIn(3, { deviceId: 'D3', gate: 'G3', checkedInAt: T0 }));
    const alerts = evaluateAlerts({
      state: s,
      relay: live,
      quarantine: noQuarantine,
      now: T0 + 7 * MIN,
      thresholds: t,
    });
    expect(alerts.filter((a) => a.kind === 'device-idle').map((a) => a.deviceId)).toEqual(['D1']);
    // Later the whole gate is quiet: nobody to compare with, no alert.
    const later = evaluateAlerts({
      state: s,
      relay: live,
      quarantine: noQuarantine,
      now: T0 + 12 * MIN,
      thresholds: t,
    });
    expect(later.filter((a) => a.kind === 'device-idle')).toEqual([]);
  });

  it('raises relay-down only after the threshold, and re-entries and quarantine', () => {
    const s = emptyActivity();
    foldCheckIn(s, checkIn(1, { ticketId: 'TK', reentry: true }));
    const down = { state: 'reconnecting', demo: false, url: null, offlineSince: T0 } as const;
    const q = { lastSeq: 9, unacknowledged: 2, firstUnacknowledgedAt: T0 };
    const early = evaluateAlerts({
      state: s,
      relay: down,
      quarantine: q,
      now: T0 + 10_000,
      thresholds: t,
    });
    expect(early.map((a) => a.kind).sort()).toEqual(['quarantine', 'reentry']);
    const late = evaluateAlerts({
      state: s,
      relay: down,
      quarantine: q,
      now: T0 + 60_000,
      thresholds: t,
    });
    expect(late[0]).toMatchObject({
      kind: 'relay-down',
      id: `relay-down:${T0}`,
      severity: 'critical',
    });
    expect(late.find((a) => a.kind === 'reentry')?.ticketId).toBe('TK');
    expect(late.find((a) => a.kind === 'quarantine')?.title).toBe('2 new quarantined events');
  });
});

describe('AlertService', () => {
  const open: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close();
  });

  async function setup(db: GateOpsDatabase, relay = new ManualRelayStatus(live)) {
    const activity = await ActivityService.start({
      db,
      now: () => T0 + 2 * MIN,
      snapshotEveryMs: 0,
    });
    const alerts = await AlertService.start({ db, activity, relay, tickMs: 0 });
    open.push(activity, alerts);
    return { activity, alerts, relay };
  }

  it('acknowledgements persist across a restart; quarantine acks cover what was seen', async () => {
    const db = await memoryDb();
    open.push(db);
    await db.checkins.bulkInsert([
      checkIn(1, { ticketId: 'TK' }),
      checkIn(2, { ticketId: 'TK', reentry: true }),
    ]);
    await db.quarantine.bulkInsert([quarantined(3), quarantined(4)]);
    const first = await setup(db);
    const list = first.alerts.list(false);
    expect(list.alerts.map((a) => a.kind).sort()).toEqual(['quarantine', 'reentry']);
    expect(list.alerts.find((a) => a.kind === 'quarantine')?.title).toBe(
      '2 new quarantined events',
    );
    expect(await first.alerts.acknowledgeAll()).toBe(2);
    expect(first.alerts.list(false).openCount).toBe(0);
    expect(first.alerts.list(true).alerts.filter((a) => a.acknowledgedAt !== null)).toHaveLength(1);
    await first.alerts.close();
    await first.activity.close();

    const second = await setup(db);
    expect(second.alerts.list(false).openCount).toBe(0);
    // A new quarantined event opens a new alert counting only the new one.
    await db.quarantine.insert(quarantined(5));
    await second.alerts.evaluate();
    const again = second.alerts.list(false);
    expect(again.alerts.map((a) => a.title)).toEqual(['1 new quarantined event']);
  });

  it('follows the relay status and forgets an acknowledgement once the condition clears', async () => {
    const db = await memoryDb();
    open.push(db);
    const { alerts, relay } = await setup(db);
    relay.set({ state: 'reconnecting', demo: false, url: null, offlineSince: T0, attempt: 3 });
    await alerts.evaluate();
    const [down] = alerts.list(false).alerts;
    expect(down?.kind).toBe('relay-down');
    await alerts.acknowledge([down!.id]);
    expect(alerts.list(false).openCount).toBe(0);
    relay.set(live);
    await alerts.evaluate();
    expect(alerts.list(true).alerts).toEqual([]);
    expect(await alerts.acknowledge(['nope'])).toBe(0);
  });
});
