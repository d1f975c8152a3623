/**
 * Issue 14 item 7: damage found by a read while the app runs (an API query, a dashboard
 * recomputation hitting SQLITE_CORRUPT) is handled like damage found by a check or a failed
 * write: writing stops, the banner and a critical alert say the file is damaged and what to do,
 * the log says it once, and the file is marked so the next start keeps it aside.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, expect, it } from 'vitest';
import { startApp, type GateOpsApp } from '../../../../electron/app';
import { openStore, type OpenStore } from '../../../../electron/db';
import { storeAlerts, storeReasons } from '../../../../shared/domain/store-status';
import { fillStore, scribbleTable } from '../../../helpers/damage';
import { createMemorySecretStore } from '../../../helpers/memory-secret-store';
import { memoryStoreOpener } from '../../../helpers/memory-store';
import { tempDir, waitForValue } from '../../../helpers/relay';

const ctx = { origin: 'test' } as const;
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function app(dir: string, lines: string[], openStoreWith?: OpenStore): Promise<GateOpsApp> {
  const a = await startApp({
    dataDir: dir,
    host: 'headless',
    secrets: createMemorySecretStore(),
    openSettings: memoryStoreOpener,
    core: { noRelay: true, ...(openStoreWith ? { openStore: openStoreWith } : {}) },
    log: (l) => lines.push(l),
  });
  cleanups.push(() => a.close());
  return a;
}

function expectDamageShown(a: GateOpsApp, lines: string[], file: string, read: RegExp): void {
  const health = a.core().storeHealth.current;
  expect(health).toMatchObject({ state: 'damaged', cause: 'damaged' });
  expect(health.title).toMatch(/^Saving stopped — the database file is damaged/);
  expect(health.action).toMatch(/Quit Gate Ops and start it again/);
  expect(health.detail).toMatch(read);
  expect(storeReasons(health)[0]).toMatchObject({ code: 'store', bad: true });
  expect(storeAlerts(health)).toEqual([
    expect.objectContaining({ kind: 'store-fault', severity: 'critical' }),
  ]);
  expect(a.core().ingest.fault).toMatchObject({ cause: 'damaged', nextRetryAt: null });
  // Once, however many reads fail.
  expect(lines.filter((l) => l.startsWith('store: SAVING STOPPED'))).toHaveLength(1);
  expect(existsSync(`${file}.damage-found`)).toBe(true);
}

it(
  'a query that meets damaged pages under the running app stops writing and says the file is damaged',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'gate-ops.sqlite');
    await fillStore(dir, 3000);
    const lines: string[] = [];
    const a = await app(dir, lines);
    expect(a.core().storeHealth.current.state).toBe('ok');

    // The disk goes bad under the running app: random bytes over the pages that hold the
    // check-ins' rows. Another connection's write then makes the app's connection drop its page
    // cache (as any change to the file from outside does), so its next reads come from the
    // damaged file. (Random bytes anywhere in the file could land in an index only; a walk of it
    // may then end early with no error from SQLite, and every page come back short but "ok".)
    expect(scribbleTable(file, 'checkins--v1')).toBeGreaterThan(10);
    const other = new DatabaseSync(file);
    other.exec('CREATE TABLE damage_probe (x); DROP TABLE damage_probe;');
    other.close();

    const failed: string[] = [];
    for (let offset = 0; offset < 3000 && failed.length < 3; offset += 500) {
      const r = await a.api.query('checkins:search', { offset, limit: 500 }, ctx);
      if (!r.ok) failed.push(r.error.message);
    }
    expect(failed.length).toBeGreaterThan(0);
    expectDamageShown(a, lines, file, /^a read failed \(checkins:search\): /);
    await a.close();

    // The next start keeps the damaged file aside (never deleted) and says so.
    const next: string[] = [];
    const again = await app(dir, next);
    expect(again.core().storeHealth.current.keptAside).toHaveLength(1);
    expect(next.join('\n')).toMatch(/kept aside as .*damaged-/);
  },
);

it(
  "a subscription's recomputation that fails on damage says so too (SQLITE_NOTADB from the read path)",
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'gate-ops.sqlite');
    let broken = false;
    // The shift log's reads fail as SQLite fails on a file that is no longer a database (at the
    // collection: RxDB answers a repeated query from its cache without asking the storage).
    const notADatabase: OpenStore = async (d, n) => {
      const s = await openStore(d, n);
      const notes = s.db.notes;
      const failing = {
        exec: (): Promise<never> =>
          Promise.reject(
            Object.assign(new Error('file is not a database'), {
              code: 'ERR_SQLITE_ERROR',
              errcode: 26,
            }),
          ),
      };
      const find = notes.find.bind(notes);
      const count = notes.count.bind(notes);
      notes.find = ((q?: Parameters<typeof find>[0]) =>
        broken ? failing : find(q)) as unknown as typeof notes.find;
      notes.count = ((q?: Parameters<typeof count>[0]) =>
        broken ? failing : count(q)) as unknown as typeof notes.count;
      return s;
    };
    const lines: string[] = [];
    const a = await app(dir, lines, notADatabase);
    let first!: () => void;
    const listed = new Promise<void>((resolve) => (first = resolve));
    const sub = a.api.subscribe('notes:watch', { limit: 20 }, () => first(), ctx);
    expect(sub.ok).toBe(true);
    if (sub.ok) cleanups.push(sub.value);
    await listed;
    broken = true;
    // A new note makes the subscription read the list again: that read fails.
    expect(await a.api.query('notes:add', { text: 'gate 3 closed' }, ctx)).toMatchObject({
      ok: true,
    });
    const h = await waitForValue(a.core().storeHealth.state$, (v) => v.state === 'damaged');
    expect(h.detail).toMatch(/^a read failed \(notes:watch\): file is not a database/);
    expectDamageShown(a, lines, file, /notes:watch/);
  },
);
