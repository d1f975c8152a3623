import { firstValueFrom, take } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACTIVITY_SNAPSHOT_ID,
  ActivityService,
} from '../../../../electron/activity/activity-service';
import { CheckinSearch } from '../../../../electron/activity/checkin-search';
import type { GateOpsDatabase } from '../../../../electron/db';
import {
  checkIn,
  memoryDb,
  quarantined,
  storeCheckIns,
  T0,
} from '../../../helpers/activity-fixtures';

const open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

async function start(db: GateOpsDatabase, now = T0 + 60 * 60_000) {
  const s = await ActivityService.start({ db, now: () => now, snapshotEveryMs: 0 });
  return s;
}

describe('ActivityService', () => {
  it('folds committed batches from the store as they arrive', async () => {
    const db = await memoryDb();
    open.push(db);
    const activity = await start(db);
    open.push(activity);
    expect(activity.overview().totals.checkins).toBe(0);
    const changed = firstValueFrom(activity.changes$.pipe(take(1)));
    await storeCheckIns(db, [checkIn(1), checkIn(2, { gate: 'G2' })]);
    await changed;
    const o = activity.overview();
    expect(o.totals.checkins).toBe(2);
    expect(o.gates.map((g) => g.gate)).toEqual(['G1', 'G2']);
    const q = firstValueFrom(activity.changes$.pipe(take(1)));
    await db.quarantine.insert(quarantined(3));
    await q;
    expect(activity.overview().totals.quarantined).toBe(1);
  });

  it('restarts from its snapshot and reads only the check-ins above it', async () => {
    const db = await memoryDb();
    open.push(db);
    await storeCheckIns(
      db,
      Array.from({ length: 50 }, (_, i) => checkIn(i + 1)),
    );
    const first = await start(db);
    expect(first.startInfo).toEqual({ fromSnapshot: false, foldedOnStart: 50 });
    const before = first.overview();
    await first.close();
    const snap = await db.state.findOne(ACTIVITY_SNAPSHOT_ID).exec();
    expect((snap?.toJSON().value as { lastIngestSeq: number }).lastIngestSeq).toBe(50);

    // Stored while the model was not running (e.g. committed just before a crash).
    await storeCheckIns(db, [checkIn(51), checkIn(53, { sessionId: 'S2' })]);
    const second = await start(db);
    open.push(second);
    expect(second.startInfo).toEqual({ fromSnapshot: true, foldedOnStart: 2 });
    const after = second.overview();
    expect(after.totals.checkins).toBe(before.totals.checkins + 2);
    expect(after.totals.sessions).toBe(2);
  });

  it('rebuilds from the store when the snapshot is unreadable', async () => {
    const db = await memoryDb();
    open.push(db);
    await storeCheckIns(db, [checkIn(1), checkIn(2)]);
    await db.state.upsert({ id: ACTIVITY_SNAPSHOT_ID, value: { v: 99 }, updatedAt: 0 });
    const s = await start(db);
    open.push(s);
    expect(s.startInfo).toEqual({ fromSnapshot: false, foldedOnStart: 2 });
    expect(s.overview().totals.checkins).toBe(2);
  });
});

/** Every check-in, newest first, no text: the list as it opens. */
const ALL_NEWEST_FIRST = {
  text: '',
  field: 'any',
  reentryOnly: false,
  sort: 'time',
  dir: 'desc',
  offset: 0,
  limit: 100,
} as const;

describe('CheckinSearch', () => {
  it('finds text in any field or one, sorts and pages it, and filters by gate and session', async () => {
    const db = await memoryDb();
    open.push(db);
    await storeCheckIns(db, [
      checkIn(1, { ticketId: 'ABC-1', attendeeName: 'Ada Lovelace', attendeeEmail: 'ada@x.io' }),
      checkIn(2, {
        ticketId: 'ABC-2',
        attendeeName: 'Alan Turing',
        attendeeEmail: 'alan@x.io',
        gate: 'G2',
      }),
      checkIn(3, {
        ticketId: 'XYZ-3',
        attendeeName: 'Abc Person',
        attendeeEmail: 'grace@y.io',
        sessionId: 'S9',
      }),
    ]);
    const search = new CheckinSearch(db);
    const base = ALL_NEWEST_FIRST;
    const all = await search.search(base);
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => r.ticketId)).toEqual(['XYZ-3', 'ABC-2', 'ABC-1']);
    expect((await search.search({ ...base, text: 'ABC', field: 'ticket' })).total).toBe(2);
    expect(
      (await search.search({ ...base, text: 'AdA', field: 'name' })).rows.map((r) => r.ticketId),
    ).toEqual(['ABC-1']);
    expect(
      (await search.search({ ...base, text: 'grace@', field: 'any' })).rows.map((r) => r.ticketId),
    ).toEqual(['XYZ-3']);
    // Any field, case-insensitive everywhere: two ticket matches and a name ("Abc Person").
    const any = await search.search({ ...base, text: 'abc' });
    expect(any.rows.map((r) => r.ticketId)).toEqual(['XYZ-3', 'ABC-2', 'ABC-1']);
    expect(any.sortedBy).toBe('time');
    // Limited to the ticket field, the name match drops out.
    expect(
      (await search.search({ ...base, text: 'abc', field: 'ticket' })).rows.map((r) => r.ticketId),
    ).toEqual(['ABC-2', 'ABC-1']);
    const byTicket = { ...base, text: 'ABC', sort: 'ticket', dir: 'asc' } as const;
    expect((await search.search(byTicket)).rows.map((r) => r.ticketId)).toEqual([
      'ABC-1',
      'ABC-2',
      'XYZ-3',
    ]);
    const page2 = await search.search({ ...byTicket, offset: 2, limit: 1 });
    expect(page2.rows.map((r) => r.ticketId)).toEqual(['XYZ-3']);
    // A filtered list sorted by a column no index serves with the filter: sorted in memory.
    const gateByName = await search.search({ ...base, gate: 'G1', sort: 'name', dir: 'desc' });
    expect(gateByName.sortedBy).toBe('name');
    expect((await search.search({ ...base, gate: 'G2' })).rows.map((r) => r.ticketId)).toEqual([
      'ABC-2',
    ]);
    expect((await search.search({ ...base, sessionId: 'S9' })).total).toBe(1);
    const detail = await search.get(all.rows[0]!.id);
    const raw = JSON.parse(detail.raw) as { data: { ticket_id: string }; sequence?: string };
    expect(raw.data.ticket_id).toBe('XYZ-3');
    expect(raw).not.toHaveProperty('sequence');
    expect(detail).toMatchObject({ ticketId: 'XYZ-3', ingestSeq: 3, source: 'cope.ticketing' });
  });
});

describe('CheckinSearch: a page shorter than the count', () => {
  it('answers with what it read and says so (fewer rows than stored, no error: worth a check)', async () => {
    const db = await memoryDb();
    open.push(db);
    await storeCheckIns(
      db,
      Array.from({ length: 30 }, (_, i) => checkIn(i + 1)),
    );
    const short: Array<[string, string]> = [];
    let stored = 30;
    const search = new CheckinSearch(
      db,
      () => stored,
      () => 0,
      (what, detail) => short.push([what, detail]),
    );
    const base = { ...ALL_NEWEST_FIRST, limit: 20 };
    // Full pages as far as the count goes, and the end of the list: nothing said.
    expect((await search.search(base)).rows).toHaveLength(20);
    expect((await search.search({ ...base, offset: 20 })).rows).toHaveLength(10);
    expect((await search.search({ ...base, dir: 'asc', offset: 20 })).rows).toHaveLength(10);
    expect((await search.search({ ...base, offset: 40 })).rows).toHaveLength(0);
    expect(short).toEqual([]);
    // The count says 40: a walk that ends at 30 is what an index that lost rows looks like.
    stored = 40;
    const page = await search.search({ ...base, limit: 100 });
    expect(page.rows).toHaveLength(30);
    expect(page.total).toBe(40);
    expect(short).toEqual([
      ['checkins:search', 'read 30 of the 40 check-ins due at offset 0 (40 stored)'],
    ]);
    expect((await search.search({ ...base, dir: 'asc', limit: 100 })).rows).toHaveLength(30);
    expect(short).toHaveLength(2);
  });
});

describe('newest-first paging', () => {
  it('pages through every check-in newest first without gaps or repeats', async () => {
    const db = await memoryDb();
    open.push(db);
    // Check-in times out of ingest order on purpose.
    await storeCheckIns(
      db,
      Array.from({ length: 250 }, (_, i) =>
        checkIn(i + 1, { checkedInAt: T0 + ((i * 7919) % 250) * 1000 }),
      ),
    );
    const search = new CheckinSearch(db);
    const base = {
      text: '',
      field: 'any',
      reentryOnly: false,
      sort: 'time',
      dir: 'desc',
      limit: 100,
    } as const;
    const pages = await Promise.all(
      [0, 100, 200, 300].map((offset) => search.search({ ...base, offset })),
    );
    expect(pages.map((p) => p.rows.length)).toEqual([100, 100, 50, 0]);
    expect(pages.every((p) => p.total === 250)).toBe(true);
    const times = pages.flatMap((p) => p.rows.map((r) => r.checkedInAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(pages.flatMap((p) => p.rows.map((r) => r.id))).size).toBe(250);
  });
});

describe('re-entries only', () => {
  it('lists every re-entry newest first by arrival, and filtered by gate', async () => {
    const db = await memoryDb();
    open.push(db);
    // Every seventh scan (from the fourth on) is a second scan of the ticket before it.
    const specs = Array.from({ length: 60 }, (_, i) =>
      checkIn(i + 1, {
        ticketId: i % 7 === 3 ? `T-${i}` : `T-${i + 1}`,
        gate: i % 2 ? 'G1' : 'G2',
        checkedInAt: T0 + i * 1000,
      }),
    );
    const stored = await storeCheckIns(db, specs);
    const activity = await start(db);
    open.push(activity);
    const reentries = stored.rows.filter((r) => r.reentry);
    expect(reentries.map((r) => r.ingestSeq)).toEqual(
      specs.filter((_, i) => i % 7 === 3).map((s) => s.seq),
    );
    expect(activity.model.reentries).toBe(reentries.length);
    const expected = reentries.map((r) => r.id).reverse();
    const search = new CheckinSearch(db, () => activity.model.checkins);
    const base = {
      text: '',
      field: 'any',
      reentryOnly: true,
      sort: 'time',
      dir: 'desc',
      limit: 5,
    } as const;
    const first = await search.search({ ...base, offset: 0 });
    const rest = await search.search({ ...base, offset: 5, limit: 100 });
    expect(first.total).toBe(expected.length);
    expect([...first.rows, ...rest.rows].map((r) => r.id)).toEqual(expected);
    expect(first.rows.every((r) => r.reentry)).toBe(true);
    const g1 = await search.search({ ...base, gate: 'G1', limit: 100, offset: 0 });
    expect(g1.rows.map((r) => r.id)).toEqual(
      reentries
        .filter((r) => r.gate === 'G1')
        .map((r) => r.id)
        .reverse(),
    );
  });
});

describe('re-entry by check-in time', () => {
  it('an earlier scan arriving later makes the first one a re-entry, and the model follows', async () => {
    const db = await memoryDb();
    open.push(db);
    const activity = await start(db);
    open.push(activity);
    const later = await storeCheckIns(db, [
      checkIn(1, { ticketId: 'TK', sessionId: 'S-late', checkedInAt: T0 + 60_000 }),
    ]);
    expect(later.rows[0]!.reentry).toBe(false);
    expect(activity.model.reentries).toBe(0);
    // A device that was offline uploads a scan of the same ticket from a minute before.
    const earlier = await storeCheckIns(db, [
      checkIn(2, { ticketId: 'TK', sessionId: 'S-early', checkedInAt: T0 }),
    ]);
    expect(earlier.rows[0]!.reentry).toBe(false);
    expect(earlier.flips.map((f) => f.id)).toEqual([later.rows[0]!.id]);
    expect(activity.model.reentries).toBe(1);
    expect(activity.model.sessions.get('S-late')?.reentries).toBe(1);
    expect(activity.model.sessions.get('S-early')?.reentries).toBe(0);
    const search = new CheckinSearch(db);
    const page = await search.search({
      text: '',
      field: 'any',
      reentryOnly: true,
      sort: 'time',
      dir: 'desc',
      offset: 0,
      limit: 10,
    });
    expect(page.rows.map((r) => r.id)).toEqual([later.rows[0]!.id]);
    // A third scan between the two is a re-entry at once.
    const middle = await storeCheckIns(db, [
      checkIn(3, { ticketId: 'TK', checkedInAt: T0 + 30_000 }),
    ]);
    expect(middle.rows[0]!.reentry).toBe(true);
    expect(middle.flips).toEqual([]);
    expect(activity.model.reentries).toBe(2);
  });

  it('a flip stored while the model was not running is applied on the next start', async () => {
    const db = await memoryDb();
    open.push(db);
    const [late] = (
      await storeCheckIns(db, [checkIn(1, { ticketId: 'TK', checkedInAt: T0 + 60_000 })])
    ).rows;
    const first = await start(db);
    expect(first.model.reentries).toBe(0);
    await first.close();
    await storeCheckIns(db, [checkIn(2, { ticketId: 'TK', checkedInAt: T0 })]);
    const second = await start(db);
    open.push(second);
    expect(second.startInfo).toEqual({ fromSnapshot: true, foldedOnStart: 1 });
    expect(second.model.reentries).toBe(1);
    expect(
      [...second.model.reentryGroups.values()].flatMap((g) => g.items.map((r) => r.checkInId)),
    ).toEqual([late!.checkInId]);
    // And a rebuild without the snapshot agrees.
    await db.state.upsert({ id: ACTIVITY_SNAPSHOT_ID, value: { v: 0 }, updatedAt: 0 });
    const rebuilt = await ActivityService.start({ db, snapshotEveryMs: 0 });
    open.push(rebuilt);
    expect(rebuilt.model.reentries).toBe(1);
    expect(rebuilt.model.checkins).toBe(2);
  });
});
