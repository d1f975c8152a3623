/** Local facts of check-ins that did not come through ingest (venue sync's replication). */
import { DatabaseSync } from 'node:sqlite';
import { firstValueFrom, take } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  INGEST_WRITE_CONTEXT,
  LocalCheckIns,
  localCheckIns,
  openStore,
  peerFactsCaughtUp,
  type LocalChange,
  type Store,
} from '../../../../electron/db';
import { ActivityService } from '../../../../electron/activity/activity-service';
import { checkIn, storeCheckIns, T0 } from '../../../helpers/activity-fixtures';
import { specDoc } from '../../../helpers/checkin-docs';
import { tempDir } from '../../../helpers/relay';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sqliteStore(dir?: string): Promise<{ store: Store; dir: string }> {
  let folder = dir;
  if (!folder) {
    const t = tempDir();
    cleanups.push(t.cleanup);
    folder = t.dir;
  }
  const store = await openStore(folder);
  cleanups.push(() => store.close());
  return { store, dir: folder };
}

describe('check-ins written by replication', () => {
  it('get local facts as arriving from a peer, flips included, and the model follows', async () => {
    const { store } = await sqliteStore();
    const db = store.db;
    const activity = await ActivityService.start({ db, snapshotEveryMs: 0 });
    cleanups.push(() => activity.close());
    const [ours] = (
      await storeCheckIns(db, [checkIn(1, { ticketId: 'TK', checkedInAt: T0 + 60_000 })])
    ).rows;
    // A peer's document of an earlier scan of the same ticket, written the way replication
    // writes: straight into the collection, no local facts.
    const peer = specDoc({ ticketId: 'TK', checkedInAt: T0, checkInId: 'from-peer' });
    const change = firstValueFrom(localCheckIns(db).changes$.pipe(take(1)));
    await db.checkins.bulkInsert([peer]);
    const seen: LocalChange = await change;
    expect(seen.rows.map((r) => r.id)).toEqual([peer.id]);
    expect(seen.rows[0]).toMatchObject({ reentry: false, ingestSeq: ours!.ingestSeq + 1 });
    expect(seen.flips.map((f) => f.id)).toEqual([ours!.id]);
    const facts = localCheckIns(db).get([peer.id]).get(peer.id);
    expect(facts).toMatchObject({ origin: 'peer', relaySeq: null });
    expect(activity.model.checkins).toBe(2);
    expect(activity.model.reentries).toBe(1);
  });

  it('at start, adopts stored documents that have no local facts (a crash after the write)', async () => {
    const { store, dir } = await sqliteStore();
    const doc = specDoc({ ticketId: 'T-1', checkedInAt: T0 });
    // Written like ingest (the follower leaves it alone) but without recording local facts.
    const result = await store.db.checkins.storageInstance.bulkWrite(
      [{ document: { ...doc, _deleted: false, _attachments: {}, _meta: { lwt: 1 }, _rev: '' } }],
      INGEST_WRITE_CONTEXT,
    );
    expect(result.error).toEqual([]);
    expect(localCheckIns(store.db).count()).toBe(0);
    await store.close();
    const again = await sqliteStore(dir);
    // Looked for in the background (a worker with its own connection): wait until it is done.
    await peerFactsCaughtUp(again.store.db);
    const local = localCheckIns(again.store.db);
    expect(local.count()).toBe(1);
    expect(local.get([doc.id]).get(doc.id)).toMatchObject({ origin: 'peer', reentry: false });
  });
});

describe('the check-in count', () => {
  it('is kept by the writing transaction (a rolled-back batch is not counted); an older file is counted once', () => {
    const sql = new DatabaseSync(':memory:');
    const local = new LocalCheckIns(sql);
    const facts = () => ({ receivedAt: 1, relaySeq: null, origin: 'relay' as const });
    sql.exec('BEGIN');
    local.record([specDoc({ ticketId: 'A', checkedInAt: T0, checkInId: 'a' })], facts);
    sql.exec('COMMIT');
    sql.exec('BEGIN');
    local.record([specDoc({ ticketId: 'B', checkedInAt: T0, checkInId: 'b' })], facts);
    sql.exec('ROLLBACK');
    expect(local.count()).toBe(1);
    // A file from before the counter: the next open counts its rows once, then keeps count.
    sql.exec('DROP TABLE checkin_local_count');
    sql.exec("INSERT INTO checkin_local (id, received_at, origin, reentry) VALUES ('x', 1, 0, 0)");
    const reopened = new LocalCheckIns(sql);
    expect(reopened.count()).toBe(2);
    reopened.record([specDoc({ ticketId: 'C', checkedInAt: T0, checkInId: 'c' })], facts);
    expect(reopened.count()).toBe(3);
    expect(reopened.count()).toBe(
      Number(Object.values(sql.prepare('SELECT count(*) FROM checkin_local').get()!)[0]),
    );
  });
});
