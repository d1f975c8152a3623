/**
 * The `sync` section of `gate-ops stats`: the last venue-sync status the app kept in the store
 * (stats runs in its own process and cannot ask the running app), with when it was written.
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
  return { ...status, asOf: doc.updatedAt };
}
