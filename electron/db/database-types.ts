/**
 * The types of the Gate Ops database and of a store transaction, apart from the code that opens
 * them (database.ts, open-store.ts), so that what runs inside an open (the local-facts follower,
 * the v1 migration, the ingest totals) can name them without importing the opener back.
 */
import type { RxCollection, RxDatabase } from 'rxdb';
import type { AckDoc } from './collections/acks';
import type { CheckInDoc } from './collections/checkins';
import type { ConflictDoc } from './collections/conflicts';
import type { NoteDoc } from './collections/notes';
import type { QuarantineDoc } from './collections/quarantine';
import type { StateDoc } from './collections/state';

export interface GateOpsCollections {
  checkins: RxCollection<CheckInDoc>;
  quarantine: RxCollection<QuarantineDoc>;
  conflicts: RxCollection<ConflictDoc>;
  state: RxCollection<StateDoc>;
  /** Alert acknowledgements, synced between the venue's laptops (append-only). */
  acks: RxCollection<AckDoc>;
  /** The shift log, synced between the venue's laptops (append-only). */
  notes: RxCollection<NoteDoc>;
}

export type GateOpsDatabase = RxDatabase<GateOpsCollections>;

/** Runs `fn` so that every write awaited inside it commits together (or not at all). */
export type StoreTransaction = <T>(fn: () => Promise<T>) => Promise<T>;
