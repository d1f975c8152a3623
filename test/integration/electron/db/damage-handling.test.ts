/**
 * Issue 14 item 7: a damaged store file is detected, the supervisor is told what to do, and
 * nothing is lost. Read-only commands refuse a damaged file and never move or change it; a start
 * keeps a damaged file aside (never deleted) and says so loudly; after an unclean shutdown the
 * full integrity check runs in the background and stops writing when it finds damage; a write
 * that fails on damage marks the file so the next start keeps it aside.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startCore, type Core } from '../../../../electron/app';
import { checkDatabaseFile, openStore, type OpenStore } from '../../../../electron/db';
import { storeAlerts, storeReasons } from '../../../../shared/domain/store-status';
import { runCli } from '../../../helpers/cli';
import { fillStore, folderFingerprint, mismatchIndex, scribble } from '../../../helpers/damage';
import { tempDir, waitForValue } from '../../../helpers/relay';
import { contractExample } from '../../../helpers/events';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const MESSAGES = 1500;

function setup(): { dir: string; file: string } {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return { dir, file: join(dir, 'gate-ops.sqlite') };
}

async function start(dir: string, lines: string[], openStoreWith?: OpenStore): Promise<Core> {
  const core = await startCore({
    dataDir: dir,
    noRelay: true,
    log: (l) => lines.push(l),
    ...(openStoreWith ? { openStore: openStoreWith } : {}),
  });
  cleanups.push(() => core.close());
  return core;
}

const stats = (dir: string): ReturnType<typeof runCli> =>
  runCli(['stats', '--data-dir', dir, '--json']);

it(
  'random bytes in the middle: stats refuses and moves nothing; the start keeps the file aside and says so',
  { timeout: 120_000 },
  async () => {
    const { dir, file } = setup();
    await fillStore(dir, MESSAGES);
    const before = JSON.parse((await stats(dir)).stdout);
    expect(before.messages).toBe(MESSAGES);
    scribble(file);
    expect(checkDatabaseFile(file, 'quick').state).toBe('damaged');

    const untouched = folderFingerprint(dir);
    for (const args of [
      ['stats', '--data-dir', dir],
      ['export', '--data-dir', dir, '--out', join(dir, 'report.csv')],
    ]) {
      const run = await runCli(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/database .*gate-ops\.sqlite is damaged/);
      expect(run.stderr).toMatch(/Nothing was changed/);
      expect(folderFingerprint(dir)).toEqual(untouched);
    }

    const lines: string[] = [];
    const core = await start(dir, lines);
    const health = core.storeHealth.current;
    expect(health.keptAside).toHaveLength(1);
    const aside = health.keptAside[0]!;
    expect(aside).toMatch(/gate-ops\.sqlite\.damaged-/);
    // Kept byte for byte, never deleted.
    expect(folderFingerprint(dir)[aside.slice(dir.length + 1)]).toBe(untouched['gate-ops.sqlite']);
    expect(lines.join('\n')).toMatch(
      /WARNING: the database was damaged .* kept aside as .*damaged-/,
    );
    expect(await core.db.checkins.count().exec()).toBe(0);
    expect(storeReasons(health).map((r) => r.text)).toEqual([
      expect.stringMatching(/A damaged database was kept aside as .*damaged-/),
    ]);
    expect(storeAlerts(health)).toEqual([
      expect.objectContaining({ kind: 'store-fault', severity: 'critical' }),
    ]);
    await core.close();

    // stats on the new store says that a damaged file lies next to it.
    const after = await stats(dir);
    expect(after.code).toBe(0);
    expect(after.stderr).toMatch(/WARNING: 1 damaged database file was kept aside/);
  },
);

it(
  'after an unclean shutdown the full check finds index damage the quick check cannot see, stops writing, and the next start keeps the file aside',
  { timeout: 120_000 },
  async () => {
    const { dir, file } = setup();
    await fillStore(dir, MESSAGES);
    expect(existsSync(`${file}.open`)).toBe(false);
    mismatchIndex(file);
    expect(checkDatabaseFile(file, 'quick').state).toBe('ok');
    // What a crash leaves behind: the open marker.
    writeFileSync(`${file}.open`, 'killed\n');

    const lines: string[] = [];
    const core = await start(dir, lines);
    expect(core.storeHealth.current.keptAside).toEqual([]);
    const found = await waitForValue(core.storeHealth.state$, (h) => h.check?.state === 'damaged');
    expect(found).toMatchObject({
      state: 'damaged',
      cause: 'damaged',
      check: { kind: 'full', state: 'damaged' },
    });
    expect(found.title).toMatch(/^Saving stopped — the database file is damaged/);
    expect(found.detail).toMatch(/full integrity check: row \d+ missing from index/);
    expect(lines.join('\n')).toMatch(/full integrity check of the database in the background/);
    expect(lines.join('\n')).toMatch(/SAVING STOPPED/);
    expect(core.ingest.fault).toMatchObject({ cause: 'damaged', nextRetryAt: null });
    // Nothing more is committed to the damaged file.
    const committed = await core.db.checkins.count().exec();
    core.ingest.push(JSON.stringify({ ...contractExample(), sequence: '999999999999' }));
    await core.ingest.flush().catch(() => undefined);
    expect(await core.db.checkins.count().exec()).toBe(committed);
    await core.close();

    const untouched = folderFingerprint(dir);
    const refused = await runCli(['stats', '--data-dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/an earlier check found it damaged/);
    expect(folderFingerprint(dir)).toEqual(untouched);

    const next: string[] = [];
    const again = await start(dir, next);
    expect(again.storeHealth.current.keptAside).toHaveLength(1);
    expect(next.join('\n')).toMatch(/an earlier check found it damaged.*kept aside as/);
    expect(again.storeHealth.current.state).toBe('ok');
  },
);

it(
  'a read that comes back short with no error runs the full check in the background, which finds an index that lost its table',
  { timeout: 120_000 },
  async () => {
    const { dir, file } = setup();
    await fillStore(dir, MESSAGES);
    // A clean shutdown: no check at the start, the index that no longer matches goes unseen.
    mismatchIndex(file);
    const lines: string[] = [];
    const core = await start(dir, lines);
    expect(core.storeHealth.current).toMatchObject({ state: 'ok' });
    expect(core.storeHealth.current.check ?? null).toBeNull();

    // What the check-ins list reports when a page has fewer rows than the count says.
    core.reportShortRead('checkins:search', 'read 0 of the 500 check-ins due at offset 0');
    // A second short page while the check runs starts no second check.
    core.reportShortRead('checkins:search', 'read 0 of the 500 check-ins due at offset 500');
    const found = await waitForValue(core.storeHealth.state$, (h) => h.check?.state === 'damaged');
    expect(found).toMatchObject({
      state: 'damaged',
      cause: 'damaged',
      check: { kind: 'full', state: 'damaged' },
    });
    expect(found.detail).toMatch(/full integrity check: row \d+ missing from index/);
    const started = lines.filter((l) => l.includes('full integrity check of the database'));
    expect(started).toEqual([
      'store: full integrity check of the database in the background (a read (checkins:search) ' +
        'read 0 of the 500 check-ins due at offset 0)',
    ]);
    expect(core.ingest.fault).toMatchObject({ cause: 'damaged', nextRetryAt: null });
    await core.close();
    expect(existsSync(`${file}.damage-found`)).toBe(true);
  },
);

it(
  'a short read on a big file whose start-up quick check passed still gets the full check (the quick one does not compare indexes)',
  { timeout: 120_000 },
  async () => {
    const { dir, file } = setup();
    await fillStore(dir, MESSAGES);
    mismatchIndex(file);
    // What a file over the quick-check size gets at start (too big to check before opening).
    const big: OpenStore = async (d, n) => {
      const s = await openStore(d, n);
      return { ...s, startup: { ...s.startup!, quickCheckDue: true } };
    };
    const lines: string[] = [];
    const core = await start(dir, lines, big);
    // While the quick check runs or after its ok: either way the short read is checked in full.
    core.reportShortRead('checkins:search', 'read 0 of the 500 check-ins due at offset 0');
    const found = await waitForValue(core.storeHealth.state$, (h) => h.state === 'damaged');
    expect(found.detail).toMatch(/full integrity check: row \d+ missing from index/);
    const checks = lines.filter((l) => /store: (quick check|full integrity check)/.test(l));
    expect(checks).toEqual([
      'store: quick check of the database in the background (a big file)',
      'store: quick check: ok',
      'store: full integrity check of the database in the background (a read (checkins:search) ' +
        'read 0 of the 500 check-ins due at offset 0)',
    ]);
  },
);

it(
  'a short read on a sound file: the check says ok, and short reads soon after start no other',
  { timeout: 120_000 },
  async () => {
    const { dir } = setup();
    await fillStore(dir, MESSAGES);
    const lines: string[] = [];
    const core = await start(dir, lines);
    core.reportShortRead('checkins:search', 'read 1 of the 2 check-ins due at offset 0');
    const ok = await waitForValue(core.storeHealth.state$, (h) => h.check?.state === 'ok');
    expect(ok.state).toBe('ok');
    core.reportShortRead('checkins:search', 'read 1 of the 2 check-ins due at offset 0');
    expect(lines.filter((l) => l.includes('full integrity check'))).toEqual([
      'store: full integrity check of the database in the background (a read (checkins:search) ' +
        'read 1 of the 2 check-ins due at offset 0)',
      'store: full integrity check: ok',
    ]);
  },
);

it(
  'a write that fails on damage while running stops writing and marks the file for the next start',
  { timeout: 60_000 },
  async () => {
    const { dir, file } = setup();
    const corruptOnCommit: OpenStore = async (d, n) => {
      const s = await openStore(d, n);
      return {
        ...s,
        transaction: () =>
          Promise.reject(
            Object.assign(new Error('database disk image is malformed'), { errcode: 11 }),
          ),
      };
    };
    const lines: string[] = [];
    const core = await start(dir, lines, corruptOnCommit);
    core.ingest.push(JSON.stringify({ ...contractExample(), sequence: '000000000001' }));
    const h = await waitForValue(core.storeHealth.state$, (v) => v.state === 'damaged');
    expect(h.waiting).toBe(1);
    expect(existsSync(`${file}.damage-found`)).toBe(true);
    await core.close();
    // A clean close: no full check is due, but the damage mark still keeps the file aside.
    expect(existsSync(`${file}.open`)).toBe(false);
    const again = await start(dir, []);
    expect(again.storeHealth.current.keptAside).toHaveLength(1);
  },
);
