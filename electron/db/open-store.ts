/**
 * The storage seam: the app's database on our node:sqlite RxStorage (one file in the data folder,
 * batches committed with runInStorageTransaction), or on RxDB's memory storage for unit tests.
 */
import { mkdirSync } from 'node:fs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { getRxStorageNodeSqlite, runInStorageTransaction } from '../storage';
import { openGateOpsDatabase, type GateOpsDatabase } from './database';
import { createOwnerOnly, narrowToOwner } from './owner-only';

/** Runs `fn` so that every write awaited inside it commits together (or not at all). */
export type StoreTransaction = <T>(fn: () => Promise<T>) => Promise<T>;

export type StoreKind = 'sqlite' | 'memory';

export interface Store {
  readonly db: GateOpsDatabase;
  readonly transaction: StoreTransaction;
  /** The SQLite file, null for the memory storage. */
  readonly file: string | null;
  close(): Promise<void>;
}

/** Database (and file) name: `<dataDir>/gate-ops.sqlite`; the demo keeps its own file. */
export const DATABASE_NAME = 'gate-ops';
export const DEMO_DATABASE_NAME = 'gate-ops-demo';

export async function openStore(
  dataDir: string,
  kind: StoreKind = 'sqlite',
  name: string = DATABASE_NAME,
): Promise<Store> {
  if (kind === 'memory') {
    const db = await openGateOpsDatabase({ storage: getRxStorageMemory(), name });
    return { db, transaction: (fn) => fn(), file: null, close: () => closeDb(db) };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const storage = getRxStorageNodeSqlite({ directory: dataDir });
  const file = storage.filePathOf(name);
  createOwnerOnly(file);
  narrowToOwner(file);
  const db = await openGateOpsDatabase({ storage, name });
  // SQLite made the WAL and shared-memory files just now (with the main file's mode).
  narrowToOwner(file);
  return {
    db,
    transaction: (fn) => runInStorageTransaction(db, fn),
    file,
    close: () => closeDb(db),
  };
}

async function closeDb(db: GateOpsDatabase): Promise<void> {
  await db.close();
}
