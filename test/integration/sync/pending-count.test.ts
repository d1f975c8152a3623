/**
 * "Waiting to be pushed" is exact: RxDB's own replication runs against a master whose push
 * handler the test holds back, on our SQLite storage (the count is answered from its indexes)
 * and on RxDB's memory storage. Documents that only came from the master never count; every
 * local one counts until the master confirmed it, far past the 2,000 an earlier scan stopped at.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRxDatabase, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { filter, firstValueFrom, Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ackDocId, acksSchema, randomDocId, type AckDoc } from '../../../electron/db';
import { getRxStorageNodeSqlite } from '../../../electron/storage';
import { pendingCount } from '../../../electron/sync/join/pending-count';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function ack(n: number, laptopId: string): AckDoc {
  const alertId = `alert-${n}`;
  return { id: ackDocId(alertId, laptopId), alertId, laptopId, author: 'North', at: 1_000 + n };
}

async function database(storage: RxStorage<any, any>): Promise<RxCollection<AckDoc>> {
  const db: RxDatabase<{ acks: RxCollection<AckDoc> }> = await createRxDatabase({
    name: `p${randomDocId()
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase()}`,
    storage,
    multiInstance: false,
  });
  cleanups.push(async () => {
    await db.close();
  });
  await db.addCollections({ acks: { schema: acksSchema } });
  return db.acks;
}

async function scenario(collection: RxCollection<AckDoc>): Promise<void> {
  const here = randomDocId();
  const there = randomDocId();
  const local = Array.from({ length: 2_500 }, (_, i) => ack(i, here));
  const remote = Array.from({ length: 300 }, (_, i) => ack(i, there));
  await collection.bulkInsert(local);

  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const pushed: string[] = [];
  const master = new Map(remote.map((d) => [d.id, { ...d, _deleted: false }]));
  const stream$ = new Subject<{
    documents: Array<AckDoc & { _deleted: boolean }>;
    checkpoint: { n: number };
  }>();
  const replication = replicateRxCollection<AckDoc, { n: number }>({
    replicationIdentifier: 'pending-count-test',
    collection,
    live: true,
    waitForLeadership: false,
    pull: {
      batchSize: 100,
      stream$: stream$.asObservable(),
      handler: async (checkpoint) => {
        const from = checkpoint?.n ?? 0;
        const docs = [...master.values()].slice(from, from + 100);
        return { documents: docs, checkpoint: { n: from + docs.length } };
      },
    },
    push: {
      batchSize: 500,
      handler: async (rows) => {
        await held;
        for (const r of rows) pushed.push(r.newDocumentState.id);
        return [];
      },
    },
  });
  cleanups.push(() => replication.cancel());
  const state = () => [replication.internalReplicationState];

  // Everything the master had is stored here; nothing local has been confirmed yet.
  await firstValueFrom(
    collection.count().$.pipe(filter((n) => n === local.length + remote.length)),
  );
  await expect.poll(() => pendingCount(state()), { timeout: 30_000 }).toBe(local.length);

  release();
  await replication.awaitInSync();
  expect(pushed).toHaveLength(local.length);
  expect(await pendingCount(state())).toBe(0);

  // Documents from the master after the upstream checkpoint (as while the checkpoint lags a
  // long pull) are confirmed by their meta rows: reading the count with the checkpoint from
  // before they came finds them, and none of them is waiting.
  const internal = replication.internalReplicationState!;
  const up = internal.lastCheckpointDoc.up!;
  const lagging = { ...internal, lastCheckpointDoc: { ...internal.lastCheckpointDoc, up } };
  const later = Array.from({ length: 50 }, (_, i) => ({ ...ack(500 + i, there), _deleted: false }));
  for (const d of later) master.set(d.id, d);
  stream$.next({ documents: later, checkpoint: { n: master.size } });
  await firstValueFrom(collection.count().$.pipe(filter((n) => n === local.length + 350)));
  await replication.awaitInSync();
  expect(internal.lastCheckpointDoc.up).not.toBe(up);
  expect(await pendingCount([lagging])).toBe(0);

  // One more local document: one waiting, until the (now free) master takes it.
  await replication.pause();
  await collection.insert(ack(9_999, here));
  expect(await pendingCount(state())).toBe(1);
  expect(await pendingCount([lagging])).toBe(1);
  await replication.start();
  await replication.awaitInSync();
  expect(await pendingCount(state())).toBe(0);
  expect(await pendingCount([undefined])).toBe(0);
}

describe('documents waiting to be pushed', () => {
  it('are counted exactly on the SQLite storage', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gate-ops-pending-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await scenario(await database(getRxStorageNodeSqlite({ directory: dir })));
  });

  it('are counted exactly on RxDB’s memory storage', { timeout: 60_000 }, async () => {
    await scenario(await database(getRxStorageMemory()));
  });
});
