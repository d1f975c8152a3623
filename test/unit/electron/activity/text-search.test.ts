import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckinSearch } from '../../../../electron/activity';
import { openStore, type Store } from '../../../../electron/db';
import type { CheckInRow } from '../../../../shared/api/channels/checkins';
import { checkIn } from '../../../helpers/activity-fixtures';
import { storeCheckIns } from '../../../helpers/checkin-docs';
import { openMemoryStore } from '../../../helpers/memory-store';
import { makeTempDir } from '../../../helpers/storage';

const PEOPLE = [
  { name: 'Björn Schmidt', email: 'bjoern.schmidt@example.de' },
  { name: 'Anna Schmidt-Weber', email: 'anna@weber.example' },
  { name: 'Renée Ünal', email: 'renee@example.fr' },
  { name: 'Tom Smith', email: 'tom.smith@example.com' },
];

// The SQLite store (full-text index) and the memory store (scan) must answer alike.
describe('check-in text search (what a supervisor types)', () => {
  const people = Array.from({ length: 40 }, (_, i) => {
    const p = PEOPLE[i % PEOPLE.length]!;
    return checkIn(i + 1, {
      ticketId: `TKT-2026-${String(1000 + i)}`,
      attendeeName: p.name,
      attendeeEmail: p.email,
      sessionId: `ses-${i % 3}`,
      deviceId: `dev-${i % 5}`,
      gate: i % 2 === 0 ? 'North' : 'South',
    });
  });
  // Re-entries are decided by the store: an earlier scan of the same ticket makes the later one
  // a re-entry. The earlier scans belong to someone no test searches for.
  const firstScans = people.slice(PEOPLE.length).map((d, i) =>
    checkIn(1000 + i, {
      ticketId: d.ticketId,
      checkInId: `early-${i}`,
      attendeeName: 'Early Bird',
      attendeeEmail: 'early@bird.example',
      sessionId: 'S-early',
      deviceId: 'D-early',
      checkedInAt: d.checkedInAt - 3_600_000,
    }),
  );
  let docs: CheckInRow[] = [];
  let temp: ReturnType<typeof makeTempDir>;
  let sqlite: Store;
  let memory: Store;
  beforeAll(async () => {
    temp = makeTempDir('gate-ops-text-search-');
    sqlite = await openStore(temp.dir);
    memory = await openMemoryStore('text-search');
    for (const store of [sqlite, memory]) {
      const change = await storeCheckIns(store.db, [...firstScans, ...people]);
      docs = change.rows.slice(firstScans.length);
    }
    expect(docs.filter((d) => d.reentry)).toHaveLength(people.length - PEOPLE.length);
  });
  afterAll(async () => {
    await sqlite.close();
    await memory.close();
    temp.cleanup();
  });

  type Req = Parameters<CheckinSearch['search']>[0];
  const base: Req = {
    text: '',
    field: 'any',
    reentryOnly: false,
    sort: 'time',
    dir: 'desc',
    offset: 0,
    limit: 100,
  };
  const both = async (req: Partial<Req>) => {
    const full = { ...base, ...req };
    const a = await new CheckinSearch(sqlite.db).search(full);
    const b = await new CheckinSearch(memory.db).search(full);
    expect(a.rows.map((r) => r.id)).toEqual(b.rows.map((r) => r.id));
    expect(a.total).toBe(b.total);
    return a;
  };
  const expected = (match: (d: (typeof docs)[number]) => boolean) =>
    docs
      .filter(match)
      .sort((x, y) => y.checkedInAt - x.checkedInAt)
      .map((d) => d.id);

  it('finds a surname inside the name, an unaccented "Bjorn", a ticket suffix, an e-mail prefix', async () => {
    const schmidt = await both({ text: 'Schmidt' });
    expect(schmidt.rows.map((r) => r.id)).toEqual(
      expected((d) => (d.attendeeName ?? '').includes('Schmidt')),
    );
    expect(schmidt.coverage).toBe('all');
    expect((await both({ text: 'bjorn' })).rows.map((r) => r.attendeeName)).toEqual(
      Array(10).fill('Björn Schmidt'),
    );
    // The ticket's first scan and its re-entry.
    expect((await both({ text: '-1027' })).rows.map((r) => r.ticketId)).toEqual([
      'TKT-2026-1027',
      'TKT-2026-1027',
    ]);
    expect((await both({ text: 'tom.sm' })).total).toBe(10);
    // Session and device ids, and two words that must both match (in different fields).
    expect((await both({ text: 'ses-2' })).total).toBe(
      docs.filter((d) => d.sessionId === 'ses-2').length,
    );
    expect((await both({ text: 'ünal dev-4' })).rows.map((r) => r.id)).toEqual(
      expected((d) => d.attendeeName === 'Renée Ünal' && d.deviceId === 'dev-4'),
    );
    expect((await both({ text: 'nobody-at-all' })).total).toBe(0);
  });

  it('limits to one field, to re-entries and a gate, and sorts and pages the matches', async () => {
    // "schmidt" is in Björn's e-mail too, but in the e-mail field only his matches.
    const inEmail = await both({ text: 'schmidt', field: 'email' });
    expect(inEmail.rows.every((r) => r.attendeeEmail === 'bjoern.schmidt@example.de')).toBe(true);
    expect(inEmail.total).toBe(10);
    const inName = await both({ text: 'schmidt', field: 'name' });
    expect(inName.total).toBe(20);
    const reentries = await both({ text: 'schmidt', reentryOnly: true, gate: 'North' });
    expect(reentries.rows.map((r) => r.id)).toEqual(
      expected(
        (d) => (d.attendeeName ?? '').includes('Schmidt') && d.reentry && d.gate === 'North',
      ),
    );
    const byTicket = await both({ text: 'schmidt', sort: 'ticket', dir: 'asc', limit: 5 });
    expect(byTicket.sortedBy).toBe('ticket');
    const tickets = docs
      .filter((d) => (d.attendeeName ?? '').includes('Schmidt'))
      .map((d) => d.ticketId)
      .sort();
    expect(byTicket.rows.map((r) => r.ticketId)).toEqual(tickets.slice(0, 5));
    const next = await both({ text: 'schmidt', sort: 'ticket', dir: 'asc', offset: 5, limit: 5 });
    expect(next.rows.map((r) => r.ticketId)).toEqual(tickets.slice(5, 10));
    expect(next.total).toBe(20);
  });
});
