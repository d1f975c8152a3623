/**
 * The conflicts v0 → v1 migration on a data folder as the previous version wrote it (check-ins at
 * document v1, conflicts at v0 with local ids): ids derived from the conflicts, a conflict the
 * relay delivered twice merged into one (a redelivery in the totals), local facts moved out of
 * the documents, the old table gone; and after it, the same conflict from the relay again is a
 * redelivery, not a second document.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictBrowser } from '../../../../electron/activity/quarantine-browser';
import {
  conflictDoc,
  localConflicts,
  openStore,
  readIngestTotals,
  type Store,
} from '../../../../electron/db';
import { classify } from '../../../../shared/contract';
import { runCli } from '../../../helpers/cli';
import { tempDir } from '../../../helpers/relay';
import { buildConflictsV0Store } from '../../../helpers/store-conflicts-v0';
import { checkInEvent, ingest } from '../../../helpers/sync';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The v1 document of the conflict of event n with `gate` (whatever relay stamp it came with). */
function expectedDoc(n: number, gate: string) {
  const stored = classify(checkInEvent(n));
  const other = classify(checkInEvent(n, { gate }));
  if (stored.verdict !== 'checkin' || other.verdict !== 'checkin') throw new Error('test events');
  return conflictDoc(other.key, stored.fields.fingerprint, other.fields.fingerprint, other.event);
}

describe('conflicts v1 migration', () => {
  it('migrates a stored v0 conflicts table: derived ids, duplicates merged, facts kept', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    await buildConflictsV0Store(dir, 4, [
      { n: 2, gate: 'Moved 2', seq: 5 },
      { n: 3, gate: 'Moved 3', seq: 6 },
      // The relay sent the first conflicting event again, with another stamp.
      { n: 2, gate: 'Moved 2', seq: 7 },
    ]);
    // `gate-ops stats` only reads: the folder needs the app to upgrade it first.
    const before = await runCli(['stats', '--data-dir', dir]);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/start the app once to upgrade it/);

    const store: Store = await openStore(dir, 'gate-ops');
    cleanups.push(() => store.close());
    const a = expectedDoc(2, 'Moved 2');
    const b = expectedDoc(3, 'Moved 3');
    const docs = (await store.db.conflicts.find().exec()).map((d) => d.toJSON());
    expect(docs.sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(
      [a, b].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    const local = localConflicts(store.db);
    expect(local.get([a.id]).get(a.id)).toMatchObject({
      seq: 5,
      relaySeq: '000000000005',
      origin: 'relay',
    });
    expect(local.get([b.id]).get(b.id)).toMatchObject({ seq: 6, relaySeq: '000000000006' });
    // The second delivery is a redelivery now: the totals match what the store holds.
    expect(await readIngestTotals(store.db)).toMatchObject({ conflicts: 2, redelivered: 1 });
    // What the Conflicts list shows: newest arrival first, where each came from.
    const list = await new ConflictBrowser(store.db).list({ offset: 0, limit: 10 });
    expect(list.total).toBe(2);
    expect(list.rows.map((r) => [r.id, r.ingestSeq, r.origin])).toEqual([
      [b.id, 6, 'relay'],
      [a.id, 5, 'relay'],
    ]);
    expect(list.rows[1]!.changes).toEqual(['gate: (none) → Moved 2']);

    // The same conflicting event from the relay once more: a redelivery, still one document.
    await ingest(store, [checkInEvent(2, { gate: 'Moved 2', sequence: '000000000008' })]);
    expect(await store.db.conflicts.count().exec()).toBe(2);
    expect(await readIngestTotals(store.db)).toMatchObject({ conflicts: 2, redelivered: 2 });
    await store.close();

    const sql = new DatabaseSync(join(dir, 'gate-ops.sqlite'), { readOnly: true });
    const tables = sql
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((r) => String(r['name']));
    sql.close();
    expect(tables).toContain('conflicts--v1');
    expect(tables).not.toContain('conflicts--v0');
    expect(tables).not.toContain('conflicts_v1_moved');
    const after = await runCli(['stats', '--data-dir', dir, '--json']);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ conflicts: 2 });
  });
});
