/**
 * The Gate Ops database: RxDB collections on one storage. In the app the storage is our SQLite
 * RxStorage (one file in the data folder); tests may pass RxDB's memory storage.
 */
import {
  addRxPlugin,
  createRxDatabase,
  type RxCollection,
  type RxDatabase,
  type RxStorage,
} from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { CHECKIN_FULL_TEXT } from './collections/checkins-full-text';
import { checkinsSchema, type CheckInDoc } from './collections/checkins';
import { conflictsSchema, type ConflictDoc } from './collections/conflicts';
import { quarantineSchema, type QuarantineDoc } from './collections/quarantine';
import { stateSchema, type StateDoc } from './collections/state';
import { ticketsSchema, type TicketDoc } from './collections/tickets';

addRxPlugin(RxDBMigrationSchemaPlugin);

export interface GateOpsCollections {
  checkins: RxCollection<CheckInDoc>;
  quarantine: RxCollection<QuarantineDoc>;
  conflicts: RxCollection<ConflictDoc>;
  state: RxCollection<StateDoc>;
  tickets: RxCollection<TicketDoc>;
}

export type GateOpsDatabase = RxDatabase<GateOpsCollections>;

export interface OpenDatabaseOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly storage: RxStorage<any, any>;
  /** RxDB database name; for the SQLite storage, where the file goes is its own option. */
  readonly name?: string;
}

export async function openGateOpsDatabase(options: OpenDatabaseOptions): Promise<GateOpsDatabase> {
  const db = await createRxDatabase<GateOpsCollections>({
    name: options.name ?? 'gateops',
    storage: options.storage,
    multiInstance: false,
    eventReduce: true,
    closeDuplicates: true,
  });
  await db.addCollections({
    checkins: { schema: checkinsSchema, instanceCreationOptions: { fullText: CHECKIN_FULL_TEXT } },
    quarantine: { schema: quarantineSchema },
    conflicts: { schema: conflictsSchema },
    state: { schema: stateSchema },
    tickets: { schema: ticketsSchema },
  });
  return db;
}
