/**
 * The Gate Ops database: RxDB collections on one storage, plus the local facts of each check-in
 * (`LocalCheckIns`, plain tables in the same SQLite file). In the app the storage is our SQLite
 * RxStorage (one file in the data folder); tests may pass RxDB's memory storage, and the local
 * facts then live in an in-memory SQLite database of their own.
 */
import { DatabaseSync } from 'node:sqlite';
import {
  addRxPlugin,
  createRxDatabase,
  removeCollectionStorages,
  type RxDatabase,
  type RxStorage,
} from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { runInStorageTransaction } from '../storage';
import { CHECKIN_FULL_TEXT } from './collections/checkins-full-text';
import { acksSchema } from './collections/acks';
import { checkinsSchema } from './collections/checkins';
import { conflictsSchema } from './collections/conflicts';
import { notesSchema } from './collections/notes';
import { quarantineSchema } from './collections/quarantine';
import { stateSchema } from './collections/state';
import type { GateOpsCollections, GateOpsDatabase } from './database-types';
import { followPeerConflicts } from './conflict-follower';
import { followPeerCheckIns } from './local-follower';
import { LocalCheckIns } from './local-checkins';
import { LocalConflicts } from './local-conflicts';
import { finishConflictsV1, migrateConflictV0, needsConflictsV1 } from './migrations/conflicts-v1';
import {
  finishCheckinsV1,
  migrateCheckInV0,
  migrateCheckinsToV1,
  needsCheckinsV1,
  type MigrateOptions,
} from './migrations/checkins-v1';
import type { CheckInDocV0 } from './migrations/checkins-v0';
import { StoreNeedsUpgradeError } from './store-errors';

addRxPlugin(RxDBMigrationSchemaPlugin);

export type { GateOpsCollections, GateOpsDatabase } from './database-types';

export interface OpenDatabaseOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly storage: RxStorage<any, any>;
  /** RxDB database name; for the SQLite storage, where the file goes is its own option. */
  readonly name?: string;
  /** Batch size and progress of a migration that moves stored check-ins (once, after an upgrade). */
  readonly migration?: MigrateOptions;
  /**
   * Only read (`gate-ops stats`, next to a running app): no migration (a store that needs one is
   * an error saying so), no adoption of replicated documents.
   */
  readonly readOnly?: boolean;
}

const locals = new WeakMap<object, LocalCheckIns>();
const localConflictsOf = new WeakMap<object, LocalConflicts>();

/** The local facts of a database's check-ins (arrival, received time, re-entry flags). */
export function localCheckIns(db: Pick<RxDatabase, 'name'>): LocalCheckIns {
  const local = locals.get(db);
  if (!local) throw new Error(`database ${db.name} was not opened with openGateOpsDatabase`);
  return local;
}

/** The local facts of a database's conflicts (arrival here, received time, how it came). */
export function localConflicts(db: Pick<RxDatabase, 'name'>): LocalConflicts {
  const local = localConflictsOf.get(db);
  if (!local) throw new Error(`database ${db.name} was not opened with openGateOpsDatabase`);
  return local;
}

/** The node:sqlite connection under a database on our storage, null on any other storage. */
function sqliteOf(db: Pick<RxDatabase, 'internalStore'>): DatabaseSync | null {
  const internals = (db.internalStore as { internals?: { connection?: { db?: unknown } } })
    .internals;
  const sql = internals?.connection?.db;
  return sql instanceof DatabaseSync ? sql : null;
}

/**
 * Runs `fn` holding the store's write lock (one SQLite transaction on our storage, queued behind
 * any open batch), so synchronous reads inside it see one committed state. On other storages
 * (tests) it just runs `fn`.
 */
export function withStoreLock<T>(db: GateOpsDatabase, fn: () => Promise<T>): Promise<T> {
  return sqliteOf(db) ? runInStorageTransaction(db, fn) : fn();
}

export async function openGateOpsDatabase(options: OpenDatabaseOptions): Promise<GateOpsDatabase> {
  const db = await createRxDatabase<GateOpsCollections>({
    name: options.name ?? 'gateops',
    storage: options.storage,
    multiInstance: false,
    eventReduce: true,
    closeDuplicates: true,
  });
  try {
    const sql = sqliteOf(db);
    const local = new LocalCheckIns(sql ?? new DatabaseSync(':memory:'));
    const conflictFacts = new LocalConflicts(local.sql);
    db.onClose.push(() => {
      local.close();
      conflictFacts.close();
    });
    locals.set(db, local);
    localConflictsOf.set(db, conflictFacts);
    if (sql && options.readOnly) {
      if (needsCheckinsV1(sql) || needsConflictsV1(sql)) {
        throw new StoreNeedsUpgradeError(
          'this data folder was written by an earlier version of Gate Ops; start the app once to upgrade it',
        );
      }
    } else if (sql) {
      await migrateCheckinsToV1(db, sql, local, options.migration);
    }
    await db.addCollections({
      checkins: {
        schema: checkinsSchema,
        instanceCreationOptions: { fullText: CHECKIN_FULL_TEXT },
        migrationStrategies: { 1: (old: CheckInDocV0) => migrateCheckInV0(old) },
      },
      quarantine: { schema: quarantineSchema },
      conflicts: {
        schema: conflictsSchema,
        migrationStrategies: { 1: migrateConflictV0(conflictFacts) },
      },
      state: { schema: stateSchema },
      acks: { schema: acksSchema },
      notes: { schema: notesSchema },
    });
    if (options.readOnly) return db;
    if (sql) await finishCheckinsV1(db, sql, local);
    await finishConflictsV1(db, local.sql);
    // v0 kept a `tickets` collection for re-entries; ticket_first replaced it.
    await removeCollectionStorages(
      db.storage,
      db.internalStore,
      db.token,
      db.name,
      'tickets',
      false,
      undefined,
      db.hashFunction,
    );
    await followPeerCheckIns(db, local);
    await followPeerConflicts(db, conflictFacts);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
