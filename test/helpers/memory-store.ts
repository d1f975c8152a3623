/**
 * A Gate Ops store on RxDB's memory storage, for unit tests: the same collections and the same
 * `Store` shape as the app's SQLite store (electron/db/open-store.ts), a unique database name per
 * call, no file. Lives here so the memory storage is never bundled into the app.
 */
import { randomUUID } from 'node:crypto';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { openGateOpsDatabase, type OpenStore, type Store } from '../../electron/db';

export async function openMemoryStore(name = 'mem'): Promise<Store> {
  const db = await openGateOpsDatabase({
    storage: getRxStorageMemory(),
    name: `${name}${randomUUID().replaceAll('-', '')}`,
  });
  return {
    db,
    transaction: (fn) => fn(),
    file: null,
    close: () => db.close().then(() => undefined),
  };
}

/** For the composition root's `openStore` / `openSettings` seams. */
export const memoryStoreOpener: OpenStore = (_dataDir, name) =>
  openMemoryStore(name.replaceAll('-', ''));
