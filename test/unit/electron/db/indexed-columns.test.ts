/**
 * A reader of the file finds each indexed field's SQL column from the table definition
 * (indexed-columns.ts); it must name the same column the storage itself uses
 * (`indexColumnOf`), or none, for every indexed field of every collection.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkInTable, openStore, openStoreReader, type Store } from '../../../../electron/db';
import { indexedColumnsOf } from '../../../../electron/db/indexed-columns';
import { tempDir } from '../../../helpers/relay';

let store: Store;
const temp = tempDir('gate-ops-indexed-columns-');
beforeAll(async () => {
  store = await openStore(temp.dir);
});
afterAll(async () => {
  await store.close();
  temp.cleanup();
});

it('names the storage’s own column for every indexed field of every collection', () => {
  let compared = 0;
  for (const collection of Object.values(store.db.collections)) {
    const internals = collection.storageInstance.internals as {
      tableName: string;
      connection: { db: Parameters<typeof indexedColumnsOf>[0] };
      indexColumnOf(path: string): string | null;
    };
    const found = indexedColumnsOf(internals.connection.db, internals.tableName);
    const indexes = (collection.schema.jsonSchema.indexes ?? []) as ReadonlyArray<
      string | readonly string[]
    >;
    const paths = new Set<string>(indexes.flatMap((i) => (typeof i === 'string' ? [i] : i)));
    for (const path of paths) {
      const own = internals.indexColumnOf(path);
      // RxDB's own fields live in stored columns (id, deleted, lwt), not generated ones.
      if (own === null || ['id', 'deleted', 'lwt'].includes(own)) continue;
      expect(found.get(path), `${collection.name}.${path}`).toBe(own);
      compared++;
    }
  }
  expect(compared).toBeGreaterThan(8);
});

it('gives the export reader the check-in table with the storage’s columns', async () => {
  const t = checkInTable(store.db.checkins)!;
  const reader = openStoreReader(temp.dir, 'gate-ops');
  try {
    const read = reader.checkIns();
    for (const path of ['checkedInAt', 'eventId', 'gate', 'ticketId', 'deviceId', 'sessionId']) {
      expect(read.column(path), path).toBe(t.column(path));
      expect(read.column(path)).not.toBeNull();
    }
    expect(read.column('event.data.attendee.name')).toBeNull();
  } finally {
    reader.close();
  }
});
