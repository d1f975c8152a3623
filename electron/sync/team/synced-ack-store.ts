/**
 * Alert acknowledgements as append-only documents in the synced `acks` collection, one per alert
 * per laptop (the id is derived from both), behind the alert service's AlertAckStore. An alert
 * is acknowledged when any laptop acknowledged it; acknowledgements from other laptops arrive
 * through replication and are passed on to the alert service.
 */
import type { RxCollection } from 'rxdb';
import type { AlertAck, AlertAckStore } from '../../alerts';
import { ackDocId, type AckDoc } from '../../db';

export class SyncedAlertAckStore implements AlertAckStore {
  constructor(
    private readonly acks: RxCollection<AckDoc>,
    private readonly laptopId: () => string,
    private readonly author: () => string,
    /** Acknowledgements this laptop made before they synced (read only, never synced). */
    private readonly earlier?: Pick<AlertAckStore, 'load'>,
  ) {}

  async load(): Promise<ReadonlyArray<AlertAck>> {
    const docs = await this.acks.find({ sort: [{ at: 'asc' }] }).exec();
    const synced = docs.map((d) => ({ alertId: d.alertId, at: d.at, by: d.author }));
    const before = (await this.earlier?.load()) ?? [];
    return [...before, ...synced];
  }

  async append(acks: ReadonlyArray<AlertAck>): Promise<void> {
    const me = this.laptopId();
    const docs: AckDoc[] = acks
      .filter((a) => a.alertId.length > 0 && a.alertId.length <= 400)
      .map((a) => ({
        id: ackDocId(a.alertId, me),
        alertId: a.alertId,
        laptopId: me,
        author: this.author().slice(0, 80),
        at: a.at,
      }));
    if (docs.length === 0) return;
    // Append-only: an acknowledgement this laptop already made stays as it was.
    const existing = await this.acks.findByIds(docs.map((d) => d.id)).exec();
    const fresh = docs.filter((d) => !existing.has(d.id));
    if (fresh.length > 0) await this.acks.bulkInsert(fresh);
  }

  subscribe(listener: (acks: ReadonlyArray<AlertAck>) => void): () => void {
    const sub = this.acks.storageInstance.changeStream().subscribe((bulk) => {
      const added: AlertAck[] = [];
      for (const e of bulk.events) {
        if (e.operation !== 'INSERT') continue;
        const d = e.documentData as unknown as AckDoc;
        added.push({ alertId: d.alertId, at: d.at, by: d.author });
      }
      if (added.length > 0) listener(added);
    });
    return () => sub.unsubscribe();
  }
}
