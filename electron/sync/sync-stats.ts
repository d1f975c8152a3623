/**
 * The `sync` section of `gate-ops stats`: the last venue-sync status the app kept in the store
 * (stats runs in its own process and cannot ask the running app), with when it was written;
 * NATS sync's state and each venue's freshness are in it (`nats`).
 */
import type { GateOpsDatabase } from '../db';
import { SYNC_STATUS_ID } from './core-sync';
import type { SyncStatus } from '../../shared/api/channels/sync';

export type SyncStats =
  (Omit<SyncStatus, 'wire'> & { readonly asOf: number }) | { readonly role: 'never' };

export async function readSyncStats(db: GateOpsDatabase): Promise<SyncStats> {
  const doc = await db.state.findOne(SYNC_STATUS_ID).exec();
  if (!doc) return { role: 'never' };
  const { wire: _wire, ...status } = doc.value as unknown as SyncStatus;
  // A status kept before NATS sync reported here has no `nats`: it was off.
  return { ...status, nats: status.nats ?? null, asOf: doc.updatedAt };
}
