import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openStore,
  searchCheckins,
  type CheckinSearchFilters,
  type Store,
} from '../../../../electron/db';
import { specDoc } from '../../../helpers/checkin-docs';
import { openMemoryStore } from '../../../helpers/memory-store';
import { makeCheckIns, T0 } from '../../../helpers/report-fixtures';
import { makeTempDir } from '../../../helpers/storage';

// The app's store (SQLite, full-text index) and the memory store (scan) must answer alike.
describe('searchCheckins', () => {
  const specs = makeCheckIns({ count: 600 });
  const docs = specs.map(specDoc);
  const idOf = new Map(specs.map((spec, i) => [spec, docs[i]!.id]));
  let temp: ReturnType<typeof makeTempDir>;
  let sqlite: Store;
  let memory: Store;
  beforeAll(async () => {
    temp = makeTempDir('gate-ops-search-');
    sqlite = await openStore(temp.dir);
    memory = await openMemoryStore('search');
    for (const store of [sqlite, memory]) {
      const result = await store.db.checkins.bulkInsert(docs);
      expect(result.error).toEqual([]);
    }
  });
  afterAll(async () => {
    await sqlite.close();
    await memory.close();
    temp.cleanup();
  });

  const both = async (text: string, filters: CheckinSearchFilters = {}, limit = 50) => {
    const a = await searchCheckins(sqlite.db, text, filters, limit);
    const b = await searchCheckins(memory.db, text, filters, limit);
    expect(a.docs.map((d) => d.id)).toEqual(b.docs.map((d) => d.id));
    expect(a.total).toBe(b.total);
    return a;
  };
  const newestFirst = (match: (d: (typeof specs)[number]) => boolean) =>
    specs
      .filter(match)
      .sort((x, y) => y.checkedInAt - x.checkedInAt)
      .map((d) => idOf.get(d)!);

  it('finds an accented surname typed without accents, in any case', async () => {
    const result = await both('UNAL');
    const expected = newestFirst((d) => d.attendeeName === 'Renée Ünal');
    expect(expected.length).toBeGreaterThan(0);
    expect(result.docs.map((d) => d.id)).toEqual(expected);
    expect(result).toMatchObject({ mode: 'index', index: 'complete', capped: false });
    expect((await both('renee')).total).toBe(expected.length);
  });

  it('finds an e-mail prefix, a ticket-id suffix and a check-in id', async () => {
    expect((await both('guest123@')).docs.map((d) => d.id)).toEqual(
      newestFirst((d) => (d.attendeeEmail ?? '').startsWith('guest123@')),
    );
    expect((await both('k-599')).docs.map((d) => d.ticketId)).toEqual(['tk-599']);
    expect(
      (await both('ci-0000042')).docs.map(
        (d) => (d.event['data'] as { check_in_id: string }).check_in_id,
      ),
    ).toEqual(['ci-0000042']);
  });

  it('filters by gate, session, device and time, and honours the limit', async () => {
    const match = (d: (typeof specs)[number]) => (d.attendeeEmail ?? '').includes('example.com');
    const north = await both('example.com', { gate: 'North' }, 500);
    expect(north.docs.map((d) => d.id)).toEqual(newestFirst((d) => match(d) && d.gate === 'North'));
    const from = T0 + 100 * 7_000;
    const to = T0 + 200 * 7_000;
    const window = await both('example.com', { from, to }, 500);
    expect(window.docs.map((d) => d.id)).toEqual(
      newestFirst((d) => match(d) && d.checkedInAt >= from && d.checkedInAt <= to),
    );
    const device = specs[10]!.deviceId;
    const session = specs[10]!.sessionId;
    expect((await both('guest', { deviceId: device, sessionId: session }, 500)).total).toBe(
      specs.filter(
        (d) =>
          d.deviceId === device &&
          d.sessionId === session &&
          `${d.attendeeName} ${d.attendeeEmail}`.toLowerCase().includes('guest'),
      ).length,
    );
    const page = await both('guest', {}, 7);
    expect(page.docs).toHaveLength(7);
    expect(page.total).toBeGreaterThan(7);
  });

  it('answers empty text with nothing and refuses a bad limit', async () => {
    expect(await searchCheckins(sqlite.db, '   ', {}, 10)).toMatchObject({ docs: [], total: 0 });
    await expect(searchCheckins(sqlite.db, 'guest', {}, -1)).rejects.toThrow(RangeError);
    await expect(searchCheckins(sqlite.db, 'guest', {}, 10_000)).rejects.toThrow(RangeError);
  });

  it('sees a check-in as soon as its write resolved', async () => {
    const [extra] = makeCheckIns({ count: 1, start: T0 + 10_000_000 });
    const doc = specDoc({
      ...extra!,
      key: 'extra-key',
      attendeeName: 'Þórunn Sigurðardóttir',
    });
    await sqlite.db.checkins.insert(doc);
    const found = await searchCheckins(sqlite.db, 'ÞORUNN sigurð', {}, 5);
    expect(found.docs.map((d) => d.id)).toEqual([doc.id]);
  });
});
