/**
 * Exports read the check-ins in (checkedInAt, id) order mostly by row id, checked page by page
 * against the index (checkin-row-order.ts). Whatever the row ids are — in their time slots,
 * overflowing a millisecond, in arrival order as older files have them, random — the rows and
 * their order must be exactly those of the index walk: a property over tables of the storage's
 * layout, then the app's own store.
 */
import fc from 'fast-check';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInTable, openStore, type Store } from '../../../../electron/db';
import type { CheckInTable } from '../../../../electron/db/checkin-table';
import {
  compareText,
  ROW_ID_SLOTS,
  rowsInTimeOrder,
  type RowOrderCounts,
} from '../../../../electron/db/checkin-row-order';
import type { TimeFilter } from '../../../../electron/db/checkin-time-order';
import { storeCheckIns } from '../../../helpers/checkin-docs';
import { tempDir } from '../../../helpers/relay';

const T = Date.UTC(2026, 4, 5, 18, 0, 0);
// The storage's layout of a time-ordered collection (electron/storage/collection-table.ts).
const SCHEMA = `
  CREATE TABLE "checkins--v1" (rid INTEGER PRIMARY KEY, id NOT NULL UNIQUE,
    deleted INTEGER NOT NULL, irr INTEGER NOT NULL, data TEXT NOT NULL,
    "f1" AS (CAST(floor(max(min(json_extract(data, '$."checkedInAt"'), 4102444800000), 0))
      AS INTEGER)) VIRTUAL);
  CREATE INDEX "checkins--v1__i0" ON "checkins--v1" (irr, "deleted", "f1");
  CREATE TABLE checkin_local (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    received_at INTEGER NOT NULL, reentry INTEGER NOT NULL);`;

type RidMode = 'slot' | 'arrival' | 'random';
interface Spec {
  readonly id: string;
  /** A number (ms), a text, or absent. */
  readonly at: number | string | null;
  readonly rid: RidMode;
  readonly deleted: boolean;
  readonly irr: boolean;
}

function tableOf(specs: readonly Spec[]): { t: CheckInTable; db: DatabaseSync } {
  const db = new DatabaseSync(':memory:');
  db.exec(SCHEMA);
  const insert = db.prepare(
    'INSERT INTO "checkins--v1" (rid, id, deleted, irr, data) VALUES (?, ?, ?, ?, ?)',
  );
  const top = db.prepare('SELECT max(rid) AS m FROM "checkins--v1" WHERE rid >= ? AND rid < ?');
  const local = db.prepare('INSERT INTO checkin_local (id, received_at, reentry) VALUES (?, ?, 0)');
  const used = new Set<number>();
  let arrival = 1;
  let random = 7;
  for (const s of specs) {
    let rid: number | null = null;
    if (s.rid === 'slot' && typeof s.at === 'number') {
      // As the storage's nextRid: the next free slot of the time, else the next time's.
      let base = Math.max(Math.floor(s.at), 0) * ROW_ID_SLOTS;
      for (;;) {
        const m = top.get(base, base + ROW_ID_SLOTS)?.['m'];
        if (m === null || m === undefined) rid = base;
        else if (Number(m) + 1 < base + ROW_ID_SLOTS) rid = Number(m) + 1;
        else {
          base += ROW_ID_SLOTS;
          continue;
        }
        break;
      }
    } else if (s.rid === 'arrival') {
      rid = arrival++;
    } else {
      random = (random * 48271) % 2147483647;
      rid = random * 4096 + 3;
    }
    if (used.has(rid!)) rid = null; // the table picks one
    const data = JSON.stringify(s.at === null ? { id: s.id } : { id: s.id, checkedInAt: s.at });
    const { lastInsertRowid } = insert.run(rid, s.id, s.deleted ? 1 : 0, s.irr ? 1 : 0, data);
    // The one the table picked too: a later arrival-order id must not take it (a CI failure:
    // UNIQUE constraint failed on rid, from the test's own table, not the code under test).
    used.add(Number(lastInsertRowid));
    local.run(s.id, 1000 + used.size);
  }
  return {
    db,
    t: { sql: db, table: '"checkins--v1"', column: (p) => (p === 'checkedInAt' ? '"f1"' : null) },
  };
}

const COLUMNS = 'c.id, l.received_at';

/** The index walk's answer in one query: what every page read must add up to. */
function expectedRows(t: CheckInTable, filter: TimeFilter): unknown[][] {
  const where = ['c.deleted = 0', 'c.irr IN (0, 1)'];
  if (filter.from !== undefined) where.push(`c.f1 >= ${filter.from}`);
  if (filter.to !== undefined) where.push(`c.f1 < ${filter.to}`);
  const s = t.sql.prepare(
    `SELECT ${COLUMNS}, c.f1, c.id FROM ${t.table} c JOIN checkin_local l ON l.id = c.id` +
      ` WHERE ${where.join(' AND ')} ORDER BY c.f1, c.id`,
  );
  s.setReturnArrays(true);
  return s.all() as unknown as unknown[][];
}

function readAll(t: CheckInTable, filter: TimeFilter, pageSize: number, counts: RowOrderCounts) {
  const rows: unknown[][] = [];
  for (const page of rowsInTimeOrder(t, COLUMNS, 2, filter, pageSize, counts)) {
    expect(page.length).toBeGreaterThan(0);
    for (const row of page) rows.push(row.slice(0, 4));
  }
  return rows;
}

const idArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('a', 'b', 'A', '-', '_', '0') }),
  fc.string({ minLength: 1, maxLength: 4, unit: 'binary' }),
  fc.constantFrom('\uE000x', '\u{1F600}', '\uFFFD', 'é', 'z'),
);
const specArb = (times: readonly number[]) =>
  fc.record({
    at: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...times) },
      { weight: 1, arbitrary: fc.constantFrom('late', -5, T + 0.5, 5e12) },
    ),
    rid: fc.oneof(
      { weight: 6, arbitrary: fc.constant<RidMode>('slot') },
      { weight: 1, arbitrary: fc.constantFrom<RidMode>('arrival', 'random') },
    ),
    deleted: fc.integer({ min: 0, max: 9 }).map((x) => x < 2),
    irr: fc.integer({ min: 0, max: 9 }).map((x) => x < 2),
  });

describe('rows in time order, read by row id', () => {
  it('are exactly the index walk’s rows in its order, for any row ids, pages and range', () => {
    const times = Array.from({ length: 30 }, (_, i) => T + i * (i % 3 === 0 ? 1 : 900));
    const total = { scanned: 0, walked: 0 };
    fc.assert(
      fc.property(
        fc.uniqueArray(idArb, { minLength: 30, maxLength: 120 }),
        fc.array(specArb(times), { minLength: 120, maxLength: 120 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.constantFrom(...times, T - 1, T + 0.5), { nil: undefined }),
        fc.option(fc.constantFrom(...times, T + 1e9), { nil: undefined }),
        fc.boolean(),
        (ids, specs, pageSize, from, to, slotsOnly) => {
          // Half the tables as the storage writes them today: every row id in its time's slots.
          const { t, db } = tableOf(
            ids.map((id, i) => ({
              ...specs[i]!,
              id,
              ...(slotsOnly ? { rid: 'slot' as const } : {}),
            })),
          );
          try {
            const filter: TimeFilter = {
              ...(from !== undefined ? { from } : {}),
              ...(to !== undefined ? { to } : {}),
            };
            expect(readAll(t, filter, pageSize, total)).toEqual(expectedRows(t, filter));
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 300 },
    );
    // Both ways were taken, many times.
    expect(total.scanned).toBeGreaterThan(500);
    expect(total.walked).toBeGreaterThan(300);
  });

  it('scan every page when each row sits in its time’s slots', () => {
    const specs: Spec[] = [];
    for (let i = 0; i < 500; i++) {
      // Several check-ins in one millisecond, arriving out of id order.
      specs.push({
        id: `id-${(i * 7919) % 500}`,
        at: T + Math.floor(i / 3) * 17,
        rid: 'slot',
        deleted: false,
        irr: false,
      });
    }
    const { t, db } = tableOf(specs);
    try {
      const counts = { scanned: 0, walked: 0 };
      expect(readAll(t, {}, 50, counts)).toEqual(expectedRows(t, {}));
      expect(counts.walked).toBe(0);
      expect(counts.scanned).toBeGreaterThanOrEqual(10);
    } finally {
      db.close();
    }
  });

  it('read a millisecond of more than 1,024 check-ins along the index, then scan again', () => {
    const specs: Spec[] = [];
    for (let i = 0; i < 1100; i++) {
      specs.push({ id: `x${(i * 613) % 1100}`, at: T, rid: 'slot', deleted: false, irr: false });
    }
    for (let i = 0; i < 40; i++) {
      specs.push({ id: `y${i}`, at: T + 1 + (i % 4), rid: 'slot', deleted: false, irr: false });
    }
    const { t, db } = tableOf(specs);
    try {
      const counts = { scanned: 0, walked: 0 };
      const rows = readAll(t, {}, 100, counts);
      expect(rows).toEqual(expectedRows(t, {}));
      expect(rows).toHaveLength(1140);
      expect(counts.walked).toBeGreaterThan(0);
      expect(counts.scanned).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('cost about one page read when no row id follows time (a file written before they did)', () => {
    const specs: Spec[] = Array.from({ length: 3000 }, (_, i) => ({
      id: `a${i}`,
      at: T + ((i * 37) % 3000) * 5,
      rid: 'arrival',
      deleted: false,
      irr: false,
    }));
    const { t, db } = tableOf(specs);
    try {
      const counts = { scanned: 0, walked: 0 };
      expect(readAll(t, {}, 100, counts)).toEqual(expectedRows(t, {}));
      expect(counts.scanned).toBe(0);
      expect(counts.walked).toBeLessThanOrEqual(2);
    } finally {
      db.close();
    }
  });

  it('scan the table by row id range, no index and no sort', () => {
    const { t, db } = tableOf([]);
    try {
      const counts = { scanned: 0, walked: 0 };
      readAll(t, {}, 10, counts);
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT ${COLUMNS}, c."f1", c.id, c.rowid FROM "checkins--v1" c NOT INDEXED` +
            ' JOIN checkin_local l ON l.id = c.id' +
            ' WHERE c.rowid >= 1 AND c.rowid < 2 AND c.deleted = 0 AND c.irr IN (0, 1)' +
            ' ORDER BY c.rowid LIMIT 3',
        )
        .all()
        .map((r) => String(r['detail']));
      expect(plan.join('\n')).toContain('USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)');
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN c/);
    } finally {
      db.close();
    }
  });

  it('compares text as SQLite does (code points, not UTF-16 units)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const db = new DatabaseSync(':memory:');
        try {
          const sqlite = Number(db.prepare('SELECT (? > ?) - (? < ?) AS c').get(a, b, a, b)!['c']);
          expect(Math.sign(compareText(a, b))).toBe(sqlite);
        } finally {
          db.close();
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('on the app’s own store', () => {
  let store: Store;
  const temp = tempDir('gate-ops-row-order-');
  beforeAll(async () => {
    store = await openStore(temp.dir);
    // Arrivals out of time order, several in one millisecond.
    const specs = Array.from({ length: 600 }, (_, i) => ({
      checkInId: `c-${(i * 389) % 600}`,
      ticketId: `t-${i % 450}`,
      checkedInAt: T + ((i * 211) % 600) * 4 - (i % 2),
    }));
    await storeCheckIns(store.db, specs);
  });
  afterAll(async () => {
    await store.close();
    temp.cleanup();
  });

  it('reads every page by row id, in the index walk’s order', () => {
    const t = checkInTable(store.db.checkins)!;
    const columns = "c.data ->> '$.event.data.check_in_id', l.received_at";
    const counts = { scanned: 0, walked: 0 };
    const rows: unknown[][] = [];
    for (const page of rowsInTimeOrder(t, columns, 2, {}, 64, counts)) {
      for (const row of page) rows.push(row.slice(0, 4));
    }
    const s = t.sql.prepare(
      `SELECT ${columns}, c.${t.column('checkedInAt')}, c.id FROM ${t.table} c` +
        ' JOIN checkin_local l ON l.id = c.id WHERE c.deleted = 0' +
        ` ORDER BY c.${t.column('checkedInAt')}, c.id`,
    );
    s.setReturnArrays(true);
    expect(rows).toEqual(s.all());
    expect(rows).toHaveLength(600);
    expect(counts.walked).toBe(0);
    expect(counts.scanned).toBeGreaterThan(9);
  });
});
