/**
 * The collections NATS sync carries: exactly those the venue-sync module says sync
 * (`SYNC_COLLECTIONS`), each checked with that module's validation, all append-only.
 */
import type { GateOpsDatabase } from '../../db';
import { SYNC_COLLECTION_NAMES, SYNC_COLLECTIONS } from '../sync-collections';
import type { SyncCollection } from './sync-collection';

export function natsSyncCollections(db: GateOpsDatabase): SyncCollection[] {
  const present = db.collections as unknown as Record<
    string,
    SyncCollection['collection'] | undefined
  >;
  return SYNC_COLLECTION_NAMES.flatMap((name) => {
    const collection = present[name];
    if (!collection) return [];
    const spec = SYNC_COLLECTIONS[name];
    return [
      {
        name,
        collection,
        appendOnly: true,
        validate: (doc: unknown) => {
          const r = spec.validate(doc);
          return r.ok ? null : r.error;
        },
      },
    ];
  });
}
