/** Helpers for the venue-sync tests: stores and check-ins made by the real ingest path. */
import { randomUUID } from 'node:crypto';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  acksSchema,
  checkinsSchema,
  conflictsSchema,
  notesSchema,
  type AckDoc,
  type CheckInDoc,
  type ConflictDoc,
  type NoteDoc,
} from '../../electron/db';
import type { Store } from '../../electron/db';
import { openMemoryStore } from './memory-store';
import { IngestPipeline } from '../../electron/ingest';
import { contractExample } from './events';

/** A fresh store on RxDB's memory storage (a unique name per call). */
export function memoryStore(): Promise<Store> {
  return openMemoryStore('t');
}

/** The n-th test check-in event as text (optionally a given ticket / gate). */
export function checkInEvent(
  n: number,
  patch: { ticket?: string; gate?: string; sequence?: string; checkedInAt?: string } = {},
): string {
  const e = contractExample();
  e.id = `ticketing.check_in.created:${n}`;
  e.idempotency_key = `key-${n}`;
  e.data.check_in_id = `ci-${n}`;
  e.data.ticket_id = patch.ticket ?? `tkt-${n}`;
  if (patch.gate !== undefined) e.data.gate = patch.gate;
  if (patch.checkedInAt !== undefined) e.data.checked_in_at = patch.checkedInAt;
  e.sequence = patch.sequence ?? String(n).padStart(12, '0');
  return JSON.stringify(e);
}

/** Ingests the events through the real pipeline and waits until they are committed. */
export async function ingest(store: Store, events: readonly string[]): Promise<void> {
  const p = await IngestPipeline.open({ db: store.db, transaction: store.transaction });
  for (const e of events) p.push(e);
  await p.flush();
  await p.close();
}

/**
 * A database with only the synced collections (RxDB's open-source build allows 13 open
 * collections per process, so tests with several laptops in one process cannot open the full
 * Gate Ops database for each).
 */
export async function syncDb(): Promise<SyncDb> {
  const db = await createRxDatabase<SyncCollections>({
    name: `s${randomUUID().replaceAll('-', '')}`,
    storage: getRxStorageMemory(),
    multiInstance: false,
  });
  await db.addCollections({
    checkins: { schema: checkinsSchema },
    acks: { schema: acksSchema },
    notes: { schema: notesSchema },
    conflicts: { schema: conflictsSchema },
  });
  return db;
}

export interface SyncCollections {
  checkins: RxCollection<CheckInDoc>;
  acks: RxCollection<AckDoc>;
  notes: RxCollection<NoteDoc>;
  conflicts: RxCollection<ConflictDoc>;
  [name: string]: RxCollection;
}
export type SyncDb = RxDatabase<SyncCollections>;

/** Check-in documents exactly as ingest stores them, for events `from..to` (inclusive). */
export async function checkInDocs(
  from: number,
  to: number,
  patch: (n: number) => Parameters<typeof checkInEvent>[1] = () => ({}),
): Promise<CheckInDoc[]> {
  const store = await memoryStore();
  try {
    const events: string[] = [];
    for (let n = from; n <= to; n++) events.push(checkInEvent(n, patch(n)));
    await ingest(store, events);
    const docs = await store.db.checkins.find().exec();
    return docs.map((d) => d.toMutableJSON() as CheckInDoc);
  } finally {
    await store.close();
  }
}
