import { afterEach, describe, expect, it } from 'vitest';
import { randomDocId } from '../../../electron/db';
import { SyncedAlertAckStore } from '../../../electron/sync/team/synced-ack-store';
import { syncDb, type SyncDb } from '../../helpers/sync';

let db: SyncDb | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

describe('synced alert acknowledgements', () => {
  it('are one append-only document per alert per laptop, and earlier local ones still count', async () => {
    db = await syncDb();
    const me = randomDocId();
    const earlier = { load: async () => [{ alertId: 'reentry:old', at: 5 }] };
    const store = new SyncedAlertAckStore(
      db.acks,
      () => me,
      () => 'North doors — Anna',
      earlier,
    );
    await store.append([{ alertId: 'device-idle:dev-7', at: 10 }]);
    // Acknowledging again keeps the first acknowledgement as it was.
    await store.append([{ alertId: 'device-idle:dev-7', at: 20 }]);
    const docs = await db.acks.find().exec();
    expect(docs.map((d) => [d.alertId, d.laptopId, d.author, d.at])).toEqual([
      ['device-idle:dev-7', me, 'North doors — Anna', 10],
    ]);
    expect(await store.load()).toEqual([
      { alertId: 'reentry:old', at: 5 },
      { alertId: 'device-idle:dev-7', at: 10, by: 'North doors — Anna' },
    ]);
  });

  it('passes on acknowledgements that arrive from another laptop', async () => {
    db = await syncDb();
    const mine = new SyncedAlertAckStore(db.acks, randomDocId, () => 'A');
    const seen: string[] = [];
    const stop = mine.subscribe((acks) => seen.push(...acks.map((a) => `${a.alertId} by ${a.by}`)));
    const other = new SyncedAlertAckStore(
      db.acks,
      () => randomDocId(),
      () => 'C',
    );
    await other.append([{ alertId: 'reentry:venue', at: 30 }]);
    stop();
    expect(seen).toEqual(['reentry:venue by C']);
  });
});
