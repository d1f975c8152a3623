/**
 * The `sync` section of `gate-ops stats`: the last venue-sync status the app kept in the store
 * (stats runs in its own process and cannot ask the running app), with when it was written;
 * NATS sync's state and each venue's freshness are in it (`nats`). Kept free of the sync
 * machinery (no TLS, no replication): `stats` loads this file alone.
 */
import type { GateOpsDatabase } from '../db';
import type { SyncStatus } from '../../shared/api/channels/sync';

/** The `state` document holding the latest venue-sync status (read by `gate-ops stats`). */
export const SYNC_STATUS_ID = 'venue-sync';

export type SyncStats =
  (Omit<SyncStatus, 'wire'> & { readonly asOf: number }) | { readonly role: 'never' };

/** The stats of a stored status document (`value`, `updatedAt`), or of none. */
export function syncStatsOf(
  doc: Readonly<{ value?: unknown; updatedAt?: unknown }> | null | undefined,
): SyncStats {
  if (!doc || typeof doc.value !== 'object' || doc.value === null) return { role: 'never' };
  const { wire: _wire, ...status } = doc.value as SyncStatus;
  // A status kept before NATS sync reported here has no `nats`: it was off.
  return { ...status, nats: status.nats ?? null, asOf: Number(doc.updatedAt) };
}

export async function readSyncStats(db: GateOpsDatabase): Promise<SyncStats> {
  const doc = await db.state.findOne(SYNC_STATUS_ID).exec();
  return syncStatsOf(doc ? { value: doc.value, updatedAt: doc.updatedAt } : null);
}
