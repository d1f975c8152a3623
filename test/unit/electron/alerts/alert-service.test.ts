import { afterEach, describe, expect, it } from 'vitest';
import { ActivityService } from '../../../../electron/activity/activity-service';
import type { AlertAck, AlertAckStore } from '../../../../electron/alerts/alert-ack-store';
import { AlertService } from '../../../../electron/alerts/alert-service';
import { ManualRelayStatus } from '../../../helpers/manual-relay-status';
import type { GateOpsDatabase } from '../../../../electron/db';
import type { AlertVm } from '../../../../shared/api/channels/alerts';
import { emptyActivity, foldCheckIn } from '../../../../shared/domain/activity-aggregator';
import { evaluateAlerts, NO_BACKLOG, type AlertInput } from '../../../../shared/domain/alert-rules';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';
import {
  checkIn,
  memoryDb,
  MIN,
  quarantined,
  row,
  storeCheckIns,
  T0,
} from '../../../helpers/activity-fixtures';

const t = DEFAULT_SETTINGS.thresholds;
const live = { state: 'live', demo: false, url: 'ws://relay', liveSince: T0 - MIN } as const;

function rules(over: Partial<AlertInput> & Pick<AlertInput, 'state' | 'now'>) {
  return evaluateAlerts({ relay: live, quarantine: NO_BACKLOG, thresholds: t, ...over });
}

describe('alert rules', () => {
  it('flags a device idle while its gate still scans; critical when the gate is busy', () => {
    const s = emptyActivity();
    let seq = 0;
    foldCheckIn(s, row(++seq, { deviceId: 'D1', gate: 'G1', checkedInAt: T0 }));
    foldCheckIn(s, row(++seq, { deviceId: 'D2', gate: 'G1', checkedInAt: T0 + 6 * MIN }));
    foldCheckIn(s, row(++seq, { deviceId: 'D3', gate: 'G3', checkedInAt: T0 }));
    const quiet = rules({ state: s, now: T0 + 7 * MIN }).filter((a) => a.kind === 'device-idle');
    expect(quiet.map((a) => [a.deviceId, a.severity])).toEqual([['D1', 'warning']]);
    expect(quiet[0]).toMatchObject({
      key: 'device-idle:D1',
      since: T0 + t.deviceIdleMinutes * MIN,
    });
    // The gate gets busy (≥ busyGatePerMinute over 5 min): the idle device there is critical.
    for (let i = 0; i < 40; i++) {
      foldCheckIn(
        s,
        row(++seq, { deviceId: 'D2', gate: 'G1', checkedInAt: T0 + 6 * MIN + i * 1000 }),
      );
    }
    const busy = rules({ state: s, now: T0 + 7 * MIN }).find((a) => a.kind === 'device-idle');
    expect(busy).toMatchObject({ deviceId: 'D1', severity: 'critical' });
    expect(busy?.title).toContain('busy gate G1');
    // Later the whole gate is quiet: nobody to compare with, no alert.
    expect(rules({ state: s, now: T0 + 20 * MIN }).filter((a) => a.kind === 'device-idle')).toEqual(
      [],
    );
  });

  it('raises relay-down after the threshold, and a refused token at once without promising data', () => {
    const s = emptyActivity();
    const down = { state: 'reconnecting', demo: false, url: null, offlineSince: T0 } as const;
    expect(rules({ state: s, relay: down, now: T0 + 10_000 })).toEqual([]);
    const late = rules({ state: s, relay: down, now: T0 + 60_000 });
    expect(late[0]).toMatchObject({
      kind: 'relay-down',
      key: 'relay-down:link',
      since: T0,
      severity: 'critical',
    });
    const refused = rules({
      state: s,
      relay: {
        state: 'offline',
        demo: false,
        url: null,
        offlineSince: T0,
        authFailed: true,
        lastError: 'HTTP 401',
      },
      now: T0 + 1000,
    });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ kind: 'relay-auth', severity: 'critical' });
    expect(refused[0]!.detail).toContain('Retry now');
    expect(refused[0]!.detail).not.toMatch(/arrive when|will arrive|fetched when/);
  });

  it('sums re-entries up per quarter-hour, with the gates, the list and the exact count', () => {
    const s = emptyActivity();
    let seq = 0;
    // 30 re-entries at G1 in one quarter-hour, 1 at G2, 1 at G1 in the next quarter-hour.
    for (let i = 0; i < 30; i++) {
      foldCheckIn(
        s,
        row(++seq, {
          gate: 'G1',
          ticketId: `T${i}`,
          reentry: true,
          checkedInAt: T0 + i * 10_000,
        }),
      );
    }
    foldCheckIn(
      s,
      row(++seq, { gate: 'G2', ticketId: 'TX', reentry: true, checkedInAt: T0 + MIN }),
    );
    foldCheckIn(
      s,
      row(++seq, { gate: 'G1', ticketId: 'TY', reentry: true, checkedInAt: T0 + 16 * MIN }),
    );
    const groups = rules({ state: s, now: T0 + 17 * MIN }).filter((a) => a.kind === 'reentry');
    // One summary per quarter-hour for the venue, its count exact, the gates in its detail.
    expect(groups.map((g) => [g.key, g.since, g.until, g.count])).toEqual([
      ['reentry:venue', T0 + 15 * MIN, T0 + 30 * MIN, 1],
      ['reentry:venue', T0, T0 + 15 * MIN, 31],
    ]);
    const [later, big] = groups;
    expect(big!.title).toBe('31 re-entries at 2 gates');
    expect(big!.detail).toBe('Tickets scanned again in this quarter-hour, by gate: G1 30 · G2 1.');
    expect(big!.items).toHaveLength(20); // the newest 20; the count stays exact
    expect(big!.items![0]!.ticketId).toBe('T29');
    expect(big!.items!.map((i) => i.ticketId)).not.toContain('T0');
    expect(later!.title).toBe('Re-entry of ticket TY at gate G1');
    expect(later!.ticketId).toBe('TY');
    // Two hours after its quarter-hour ended a group leaves the open list.
    expect(
      rules({ state: s, now: T0 + 15 * MIN + 121 * MIN }).filter((a) => a.kind === 'reentry'),
    ).toHaveLength(1);
  });

  it('folds lagging devices into one alert from three on', () => {
    const s = emptyActivity();
    let seq = 0;
    for (let i = 0; i < 5; i++) {
      foldCheckIn(
        s,
        row(++seq, {
          deviceId: `F${i}`,
          checkedInAt: T0 + 10 * MIN,
          receivedAt: T0 + 10 * MIN,
        }),
      );
    }
    const lag = (d: string, behind: number) =>
      foldCheckIn(
        s,
        row(++seq, {
          deviceId: d,
          checkedInAt: T0 + 10 * MIN - behind,
          receivedAt: T0 + 10 * MIN,
        }),
      );
    lag('L1', 9 * MIN);
    lag('L2', 8 * MIN);
    const two = rules({ state: s, now: T0 + 11 * MIN }).filter((a) => a.kind === 'upload-lag');
    expect(two.map((a) => a.key)).toEqual(['upload-lag:L1', 'upload-lag:L2']);
    expect(two[0]!.since).toBeUndefined(); // the service dates the episode
    lag('L3', 7 * MIN);
    const three = rules({ state: s, now: T0 + 11 * MIN }).filter((a) => a.kind === 'upload-lag');
    expect(three).toHaveLength(1);
    expect(three[0]).toMatchObject({
      key: 'upload-lag:devices',
      count: 3,
      title: '3 devices upload late',
    });
    expect(three[0]!.items!.map((i) => i.deviceId)).toEqual(['L1', 'L2', 'L3']);
  });

  it('reports unacknowledged quarantine and conflicts as episodes by sequence', () => {
    const s = emptyActivity();
    const q = { lastSeq: 9, unacknowledged: 2, firstSeq: 8, firstAt: T0 };
    const c = { lastSeq: 7, unacknowledged: 151, firstSeq: 3, firstAt: T0 - MIN };
    const out = rules({ state: s, quarantine: q, conflicts: c, now: T0 });
    expect(out.find((a) => a.kind === 'quarantine')).toMatchObject({
      title: '2 new quarantined events',
      episode: 8,
      since: T0,
      severity: 'info',
    });
    expect(out.find((a) => a.kind === 'conflict')).toMatchObject({
      title: '151 new conflicting redeliveries',
      severity: 'warning',
    });
  });
});

/** A stand-in for venue sync's store: append-only, and acks "from another laptop" on demand. */
class FakeSyncedAcks implements AlertAckStore {
  readonly appended: AlertAck[] = [];
  private listener: ((acks: ReadonlyArray<AlertAck>) => void) | undefined;
  constructor(private readonly initial: AlertAck[] = []) {}
  async load() {
    return [...this.initial, ...this.appended];
  }
  async append(acks: ReadonlyArray<AlertAck>) {
    this.appended.push(...acks);
  }
  subscribe(listener: (acks: ReadonlyArray<AlertAck>) => void) {
    this.listener = listener;
    return () => (this.listener = undefined);
  }
  fromElsewhere(acks: AlertAck[]) {
    this.listener?.(acks);
  }
}

describe('AlertService', () => {
  const open: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close();
  });

  async function setup(
    db: GateOpsDatabase,
    options: {
      relay?: ManualRelayStatus;
      acks?: AlertAckStore;
      now?: () => number;
      onError?: (error: unknown, what: string) => void;
    } = {},
  ) {
    const relay = options.relay ?? new ManualRelayStatus(live);
    const activity = await ActivityService.start({
      db,
      now: options.now ?? (() => T0 + 2 * MIN),
      snapshotEveryMs: 0,
    });
    const alerts = await AlertService.start({
      db,
      activity,
      relay,
      tickMs: 0,
      ...(options.acks ? { acks: options.acks } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    });
    open.push(activity, alerts);
    return { activity, alerts, relay };
  }

  it('gives the same ids on two laptops with the same check-ins', async () => {
    const lists: string[][] = [];
    for (let laptop = 0; laptop < 2; laptop++) {
      const db = await memoryDb();
      open.push(db);
      // Different arrival order and receive times: only the event's own fields make the id.
      const docs = [
        checkIn(1, { ticketId: 'TK', gate: 'G1' }),
        checkIn(2, { ticketId: 'TK', gate: 'G1', checkedInAt: T0 + 5000 }),
      ].map((d) => ({ ...d, receivedAt: d.receivedAt! + laptop * 777 }));
      // The second laptop gets the later scan first: the earlier one then flips it.
      if (laptop === 0) await storeCheckIns(db, docs);
      else
        for (const [i, d] of [...docs].reverse().entries())
          await storeCheckIns(db, [{ ...d, seq: i + 1 }]);
      const { alerts } = await setup(db);
      lists.push(alerts.list(true).alerts.map((a) => a.id));
    }
    expect(lists[0]).toEqual([`reentry:venue@${T0}`]);
    expect(lists[1]).toEqual(lists[0]);
  });

  it('acknowledgements persist across a restart; quarantine acks cover what was seen', async () => {
    const db = await memoryDb();
    open.push(db);
    await storeCheckIns(db, [checkIn(1, { ticketId: 'TK' }), checkIn(2, { ticketId: 'TK' })]);
    await db.quarantine.bulkInsert([quarantined(3), quarantined(4)]);
    const first = await setup(db);
    const list = first.alerts.list(false);
    expect(list.alerts.map((a) => a.kind).sort()).toEqual(['quarantine', 'reentry']);
    expect(await first.alerts.acknowledgeAll()).toBe(2);
    expect(first.alerts.list(false).openCount).toBe(0);
    // The re-entry group stays (acknowledged); the quarantine alert's cause is gone: history.
    expect(first.alerts.list(true).alerts.map((a) => a.kind)).toEqual(['reentry']);
    const history = first.alerts.clearedHistory(0, 10);
    expect(history.alerts.map((a) => [a.kind, a.acknowledgedAt !== null])).toEqual([
      ['quarantine', true],
    ]);
    await first.alerts.close();
    await first.activity.close();

    const second = await setup(db);
    expect(second.alerts.list(false).openCount).toBe(0);
    expect(second.alerts.clearedHistory(0, 10).total).toBe(1);
    // A new quarantined event opens a new alert counting only the new one.
    await db.quarantine.insert(quarantined(5));
    await second.alerts.evaluate();
    const again = second.alerts.list(false);
    expect(again.alerts.map((a) => [a.title, a.id])).toEqual([
      ['1 new quarantined event', 'quarantine:new@5'],
    ]);
  });

  it('clears an alert when its cause clears, keeps it in history, and a restart clears what ended meanwhile', async () => {
    const db = await memoryDb();
    open.push(db);
    const relay = new ManualRelayStatus(live);
    const first = await setup(db, { relay });
    relay.set({ state: 'reconnecting', demo: false, url: null, offlineSince: T0, attempt: 3 });
    await first.alerts.evaluate();
    const [down] = first.alerts.list(false).alerts;
    expect(down).toMatchObject({
      kind: 'relay-down',
      id: `relay-down:link@${T0}`,
      clearedAt: null,
    });
    expect(first.alerts.list(false).criticalCount).toBe(1);
    await first.alerts.acknowledge([down!.id]);
    expect(first.alerts.list(false)).toMatchObject({ openCount: 0, criticalCount: 0 });
    relay.set(live);
    await first.alerts.evaluate();
    expect(first.alerts.list(true).alerts).toEqual([]);
    const [cleared] = first.alerts.clearedHistory(0, 10).alerts;
    expect(cleared).toMatchObject({ id: down!.id, clearedAt: T0 + 2 * MIN });
    expect(cleared!.acknowledgedAt).not.toBeNull();
    expect(await first.alerts.acknowledge(['nope'])).toBe(0);

    // Down again, the app stops, and the link is fine when it starts: cleared at the restart.
    relay.set({ state: 'reconnecting', demo: false, url: null, offlineSince: T0 + MIN });
    await first.alerts.evaluate();
    await first.alerts.close();
    await first.activity.close();
    const second = await setup(db, { relay: new ManualRelayStatus(live), now: () => T0 + 9 * MIN });
    expect(second.alerts.clearedHistory(0, 10).alerts.map((a) => [a.id, a.clearedAt])).toEqual([
      [`relay-down:link@${T0 + MIN}`, T0 + 9 * MIN],
      [down!.id, T0 + 2 * MIN],
    ]);
  });

  it('keeps an episode id for conditions without a date of their own, across a restart', async () => {
    const db = await memoryDb();
    open.push(db);
    await storeCheckIns(db, [
      checkIn(1, { deviceId: 'F', checkedInAt: T0 + MIN, receivedAt: T0 + MIN }),
      checkIn(2, { deviceId: 'L', checkedInAt: T0 - 8 * MIN, receivedAt: T0 + MIN }),
    ]);
    let now = T0 + 2 * MIN;
    const first = await setup(db, { now: () => now });
    const id = first.alerts.list(false).alerts.find((a) => a.kind === 'upload-lag')?.id;
    expect(id).toBe(`upload-lag:L@${T0 + 2 * MIN}`);
    await first.alerts.close();
    await first.activity.close();
    now = T0 + 3 * MIN;
    const second = await setup(db, { now: () => now });
    expect(second.alerts.list(false).alerts.find((a) => a.kind === 'upload-lag')?.id).toBe(id);
  });

  it('keeps acknowledgements behind the AlertAckStore: appends, and applies acks from elsewhere', async () => {
    const db = await memoryDb();
    open.push(db);
    await storeCheckIns(db, [
      // In arrival order, each upload the newest scan so far: nobody lags.
      checkIn(1, { ticketId: 'TJ', gate: 'G2', deviceId: 'D2', checkedInAt: T0 - 15 * MIN }),
      checkIn(2, {
        ticketId: 'TJ',
        gate: 'G2',
        deviceId: 'D2',
        checkedInAt: T0 - 14 * MIN,
      }),
      checkIn(3, { ticketId: 'TK', gate: 'G1' }),
      checkIn(4, { ticketId: 'TK', gate: 'G1', reentry: true }),
    ]);
    const earlier = `reentry:venue@${T0 - 15 * MIN}`;
    const acks = new FakeSyncedAcks([{ alertId: earlier, at: T0, by: 'laptop-b' }]);
    const { alerts } = await setup(db, { acks });
    expect(alerts.list(false).alerts.map((a) => a.id)).toEqual([`reentry:venue@${T0}`]);
    const changed = new Promise<void>((resolve) => {
      const sub = alerts.changes$.subscribe(() => {
        sub.unsubscribe();
        resolve();
      });
    });
    acks.fromElsewhere([{ alertId: `reentry:venue@${T0}`, at: T0 + MIN, by: 'laptop-c' }]);
    await changed;
    expect(alerts.list(false).openCount).toBe(0);
    expect(await alerts.acknowledgeAll()).toBe(0);
    expect(acks.appended).toEqual([]);
    // Nothing is ever removed from the store, even when the cause clears.
    await storeCheckIns(db, [
      checkIn(5, { ticketId: 'TZ', gate: 'G3', deviceId: 'D3', checkedInAt: T0 + 15 * MIN }),
      checkIn(6, {
        ticketId: 'TZ',
        gate: 'G3',
        deviceId: 'D3',
        checkedInAt: T0 + 16 * MIN,
      }),
    ]);
    await alerts.evaluate();
    expect(await alerts.acknowledgeAll()).toBe(1);
    expect(acks.appended.map((a) => a.alertId)).toEqual([`reentry:venue@${T0 + 15 * MIN}`]);
  });

  it('tells who listens about critical alerts that open, not about those open at start', async () => {
    const db = await memoryDb();
    open.push(db);
    const relay = new ManualRelayStatus({
      state: 'reconnecting',
      demo: false,
      url: null,
      offlineSince: T0,
    });
    const { alerts } = await setup(db, { relay });
    const raised: AlertVm[][] = [];
    alerts.raised$.subscribe((a) => raised.push([...a]));
    await alerts.evaluate();
    expect(raised).toEqual([]);
    relay.set({
      state: 'offline',
      demo: false,
      url: null,
      offlineSince: T0 + MIN,
      authFailed: true,
      lastError: '401',
    });
    await alerts.evaluate();
    expect(raised.map((r) => r.map((a) => [a.kind, a.severity]))).toEqual([
      [['relay-auth', 'critical']],
    ]);
  });

  it('passes a failed background evaluation to the host (damage must not be swallowed)', async () => {
    const db = await memoryDb();
    open.push(db);
    const failed = new Promise<{ error: unknown; what: string }>(
      (resolve) =>
        void setup(db, { onError: (error, what) => resolve({ error, what }) }).then(() => {
          // The file turns out not to be a database when the backlog is read.
          db.quarantine.storageInstance.count = () =>
            Promise.reject(
              Object.assign(new Error('file is not a database'), {
                code: 'ERR_SQLITE_ERROR',
                errcode: 26,
              }),
            );
          // A quarantined event changes the activity model: the evaluation it schedules fails.
          void db.quarantine.insert(quarantined(1));
        }),
    );
    const { error, what } = await failed;
    expect(what).toBe('alert evaluation');
    expect(error).toMatchObject({ errcode: 26, message: 'file is not a database' });
  });
});
