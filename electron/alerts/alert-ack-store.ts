/**
 * Where alert acknowledgements live. The alert service only appends and reads through this
 * interface, so venue sync can put its own store behind it (append-only documents, one per
 * alert and laptop, replicated) without the service changing. Alert ids are derived from the
 * data alone, so an acknowledgement made on one laptop names the same alert on the others.
 *
 * The local store keeps them in one `state` document of this laptop's database.
 */
import type { GateOpsDatabase } from '../db';

export interface AlertAck {
  readonly alertId: string;
  /** When it was acknowledged (ms). */
  readonly at: number;
  /** Which laptop acknowledged it; the local store leaves it out. */
  readonly by?: string;
}

export interface AlertAckStore {
  /** Every acknowledgement known. */
  load(): Promise<ReadonlyArray<AlertAck>>;
  /** Adds acknowledgements; never changes or removes one already there. */
  append(acks: ReadonlyArray<AlertAck>): Promise<void>;
  /** Acknowledgements that arrive from elsewhere (another laptop); returns the unsubscribe. */
  subscribe?(listener: (acks: ReadonlyArray<AlertAck>) => void): () => void;
}

export const ALERT_ACKS_ID = 'alert-acks';
/** The local document keeps the newest this many (an old episode's ack no longer matters). */
const MAX_LOCAL_ACKS = 20_000;

interface StoredAcks {
  acks: Record<string, number>;
}

export class LocalAlertAckStore implements AlertAckStore {
  private cache: Map<string, number> | null = null;

  constructor(
    private readonly db: GateOpsDatabase,
    private readonly now: () => number,
  ) {}

  private async read(): Promise<Map<string, number>> {
    if (this.cache) return this.cache;
    const stored = await this.db.state.findOne(ALERT_ACKS_ID).exec();
    const value = stored?.toJSON().value as Partial<StoredAcks> | undefined;
    const acks = new Map<string, number>();
    if (value?.acks && typeof value.acks === 'object') {
      for (const [id, at] of Object.entries(value.acks))
        if (typeof at === 'number') acks.set(id, at);
    }
    this.cache = acks;
    return acks;
  }

  async load(): Promise<ReadonlyArray<AlertAck>> {
    return [...(await this.read())].map(([alertId, at]) => ({ alertId, at }));
  }

  async append(acks: ReadonlyArray<AlertAck>): Promise<void> {
    const map = await this.read();
    let added = false;
    for (const a of acks) {
      if (map.has(a.alertId)) continue;
      map.set(a.alertId, a.at);
      added = true;
    }
    if (!added) return;
    while (map.size > MAX_LOCAL_ACKS) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
    const value: StoredAcks = { acks: Object.fromEntries(map) };
    await this.db.state.upsert({
      id: ALERT_ACKS_ID,
      value: value as unknown as Record<string, unknown>,
      updatedAt: this.now(),
    });
  }
}
