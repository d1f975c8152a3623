/**
 * The relay-down history in the `state` collection (document `relay-outages`): written by the
 * dashboard's outage recorder, read back by it and by reports (also `gate-ops export`).
 */
import type { GateOpsDatabase } from './database';

export const OUTAGES_ID = 'relay-outages';

export interface StoredOutage {
  readonly from: number;
  readonly to: number | null;
  readonly caughtUp: number;
  readonly reason?: string;
}

export async function readOutages(db: Pick<GateOpsDatabase, 'state'>): Promise<StoredOutage[]> {
  const stored = await db.state.findOne(OUTAGES_ID).exec();
  const list = (stored?.toJSON().value as { outages?: unknown } | undefined)?.outages;
  if (!Array.isArray(list)) return [];
  return (list as StoredOutage[]).filter(
    (o) =>
      typeof o?.from === 'number' &&
      (o.to === null || typeof o.to === 'number') &&
      typeof o.caughtUp === 'number',
  );
}

export async function writeOutages(
  db: Pick<GateOpsDatabase, 'state'>,
  outages: ReadonlyArray<StoredOutage>,
  at: number,
): Promise<void> {
  await db.state.upsert({ id: OUTAGES_ID, value: { outages: [...outages] }, updatedAt: at });
}
