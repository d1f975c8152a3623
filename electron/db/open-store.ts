/**
 * Opening the store: the app's database on our node:sqlite RxStorage, one owner-only file in the
 * data folder, batches committed together with runInStorageTransaction.
 */
import { mkdirSync } from 'node:fs';
import { getRxStorageNodeSqlite, runInStorageTransaction } from '../storage';
import {
  assertReadable,
  markClosedCleanly,
  prepareStoreFile,
  type PreparedFile,
} from './damage-check';
import { openGateOpsDatabase, type GateOpsDatabase } from './database';
import type { StoreTransaction } from './database-types';
import type { MigrateOptions } from './migrations/checkins-v1';
import { createOwnerOnly, narrowToOwner } from './owner-only';
import { DATABASE_NAME } from './store-names';

export type { StoreTransaction } from './database-types';

export interface Store {
  readonly db: GateOpsDatabase;
  readonly transaction: StoreTransaction;
  /** The SQLite file (null for a store that has none, as tests' in-memory one). */
  readonly file: string | null;
  /**
   * What the start found: a damaged file kept aside (by this start or an earlier one), an
   * unclean shutdown before (a full check is due), a quick check still due (a big file).
   * Absent for a store without a file, and for one opened for reading only.
   */
  readonly startup?: PreparedFile;
  close(): Promise<void>;
}

/** How a store is opened; the composition root takes one so tests can pass an in-memory store. */
export type OpenStore = (dataDir: string, name: string) => Promise<Store>;

export interface OpenStoreOptions {
  /** A migration that moves stored check-ins (once, after an upgrade): batch size, progress. */
  readonly migration?: MigrateOptions;
}

/**
 * Opens the store for the app: a damaged file (quick check at open, or found damaged by an
 * earlier run) is kept aside first and a new one is created; `startup` says so. A store an
 * earlier version wrote is migrated here (check-in document v1).
 */
export async function openStore(
  dataDir: string,
  name: string = DATABASE_NAME,
  options: OpenStoreOptions = {},
): Promise<Store> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const storage = getRxStorageNodeSqlite({ directory: dataDir });
  const file = storage.filePathOf(name);
  const startup = prepareStoreFile(file);
  const store = await openOn(storage, file, name, {
    ...(options.migration ? { migration: options.migration } : {}),
  });
  return {
    ...store,
    startup,
    async close() {
      await store.close();
      markClosedCleanly(file);
    },
  };
}

/**
 * Opens an existing store for a read-only command (`stats`, `export`): a damaged file is refused
 * with StoreDamagedError, and nothing is moved or marked; a store an earlier version wrote is
 * refused with StoreNeedsUpgradeError (no migration from a reader).
 */
export async function openStoreForReading(
  dataDir: string,
  name: string = DATABASE_NAME,
): Promise<Store> {
  const storage = getRxStorageNodeSqlite({ directory: dataDir });
  const file = storage.filePathOf(name);
  assertReadable(file);
  return openOn(storage, file, name, { readOnly: true });
}

async function openOn(
  storage: ReturnType<typeof getRxStorageNodeSqlite>,
  file: string,
  name: string,
  options: { migration?: MigrateOptions; readOnly?: boolean },
): Promise<Store> {
  createOwnerOnly(file);
  narrowToOwner(file);
  const db = await openGateOpsDatabase({ storage, name, ...options });
  // SQLite made the WAL and shared-memory files just now (with the main file's mode).
  narrowToOwner(file);
  return {
    db,
    transaction: (fn) => runInStorageTransaction(db, fn),
    file,
    close: () => db.close().then(() => undefined),
  };
}
