/**
 * electron/db's raw reads: a newest-first page is the same rows in the same order whichever end
 * it is read from (a descending walk near the newest end, an ascending one from the oldest end
 * past the middle), on our SQLite storage and on RxDB's memory storage; and the prepared-query
 * cache never mixes up two queries that differ, and leaves out those whose JSON would not tell
 * them apart (a RegExp, a Date).
 */
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRaw,
  newestFirstPage,
  openGateOpsDatabase,
  openStore,
  queryRaw,
  type GateOpsDatabase,
  type Store,
} from '../../../../electron/db';
import { cacheKey } from '../../../../electron/db/raw-query';
import { queryRunnerStats } from '../../../../electron/storage/query-runner';
import { makeCheckIns, storeFixture } from '../../../helpers/report-fixtures';
import { tempDir } from '../../../helpers/relay';
import type { CheckInRow } from '../../../../shared/api/channels/checkins';

// 0.3 ms apart: runs of three or four check-ins share one millisecond (ties broken by id).
const SPECS = makeCheckIns({ count: 420, spacingMs: 0.3 });

function newestFirst(rows: ReadonlyArray<CheckInRow>, gate?: string): string[] {
  return rows
    .filter((r) => gate === undefined || r.gate === gate)
    .sort((a, b) => b.checkedInAt - a.checkedInAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((r) => r.id);
}

const temp = tempDir('gate-ops-raw-query-');
let store: Store;
let memory: GateOpsDatabase;
const rows = new Map<string, CheckInRow[]>();

beforeAll(async () => {
  store = await openStore(temp.dir);
  rows.set('sqlite', await storeFixture(store.db, SPECS));
  memory = await openGateOpsDatabase({ storage: getRxStorageMemory(), name: 'rawquerytest' });
  rows.set('memory', await storeFixture(memory, SPECS));
});
afterAll(async () => {
  await store.close();
  await memory.close();
  temp.cleanup();
});

const dbOf = (name: string) => (name === 'sqlite' ? store.db : memory);

describe.each(['sqlite', 'memory'])('newestFirstPage on %s', (name) => {
  for (const gate of [undefined, 'South', '']) {
    it(`pages ${gate === undefined ? 'all check-ins' : `gate "${gate}"`} in one order from either end`, async () => {
      const db = dbOf(name);
      const want = newestFirst(rows.get(name)!, gate);
      const query = {
        selector: gate === undefined ? {} : { gate },
        sort: [{ checkedInAt: 'desc' as const }] as [{ checkedInAt: 'desc' }],
      };
      for (const limit of [5, 50]) {
        const got: string[] = [];
        for (let offset = 0; offset < want.length; offset += limit) {
          const known = offset % 2 === 0 ? want.length : undefined;
          const page = await newestFirstPage(db.checkins, query, offset, limit, known);
          expect(page.total).toBe(want.length);
          expect(page.docs.map((d) => d.id)).toEqual(want.slice(offset, offset + limit));
          got.push(...page.docs.map((d) => d.id));
        }
        expect(got).toEqual(want);
      }
      const past = await newestFirstPage(db.checkins, query, want.length, 10);
      expect(past.docs).toEqual([]);
      if (name === 'sqlite') {
        // The newest end is an index walk on our storage, never a read-everything-and-sort,
        // though the fixture's names with control characters make some documents irregular.
        const before = { ...queryRunnerStats };
        await newestFirstPage(db.checkins, query, 0, 50, want.length);
        expect(queryRunnerStats.walks).toBe(before.walks + 1);
        expect(queryRunnerStats.fallbacks).toBe(before.fallbacks);
      }
    });
  }
});

describe('the prepared-query cache', () => {
  it('keeps queries with a RegExp, a Date or a non-finite number out', () => {
    expect(cacheKey({ selector: { gate: 'North' } })).toBe('{"selector":{"gate":"North"}}');
    expect(cacheKey({ selector: { gate: { $regex: /^N/ } } })).toBeUndefined();
    expect(cacheKey({ selector: { at: new Date(0) } })).toBeUndefined();
    expect(cacheKey({ selector: { at: { $gt: -Infinity } } })).toBeUndefined();
    expect(cacheKey({ selector: { at: { $gt: Number.NaN } } })).toBeUndefined();
    expect(cacheKey({ selector: { at: { $gt: undefined } } })).toBeUndefined();
    expect(cacheKey({ selector: { at: { $gt: -0 } } })).toBeUndefined();
  });

  it.each(['sqlite', 'memory'])('answers each query for itself on %s', async (name) => {
    const db = dbOf(name);
    const all = rows.get(name)!;
    const byId = new Map(all.map((r) => [r.id, r]));
    for (let round = 0; round < 2; round++) {
      for (const gate of ['North', 'South', 'East', '']) {
        const want = all.filter((r) => r.gate === gate).length;
        expect(await countRaw(db.checkins, { selector: { gate } })).toBe(want);
        const regex = await queryRaw(db.checkins, {
          selector: { gate: { $regex: `^${gate}$` } },
          sort: [{ checkedInAt: 'asc' }],
        });
        expect(regex.length).toBe(want);
      }
      for (const gates of [['North'], ['North', 'East'], ['East', 'North']]) {
        const got = await queryRaw(db.checkins, {
          selector: { gate: { $in: gates } },
          sort: [{ checkedInAt: 'desc' }, { id: 'desc' }],
          limit: 30,
        });
        const want = newestFirst(all).filter((id) => gates.includes(byId.get(id)!.gate));
        expect(got.map((d) => d.id)).toEqual(want.slice(0, 30));
      }
    }
  });
});
