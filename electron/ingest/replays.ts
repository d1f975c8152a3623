/**
 * Which messages of a batch a relay sent again although they are committed: a relay resuming
 * before the cursor (the cursor lags one stamp by design, see cursor-rule.ts), or one that
 * ignores `?after=` and replays its history. A replay is dropped and counted as such, so every
 * other count (check-ins, quarantine, skipped, conflicts, redeliveries) stays exactly-once.
 *
 * A delivery is the relay plus its `sequence` stamp (for a message without one: its place in the
 * relay's stream, after which stamp and how many unstamped since, and its bytes). A
 * stored check-in keeps its stamp in its local facts, so only the deliveries that leave no check-in behind
 * (quarantined, skipped, conflicting, redelivered) get a `deliveries` record.
 */
import { deliveriesTable, deliveryId, type GateOpsDatabase } from '../db';
import type { IncomingMessage } from './incoming-message';

/** The delivery identity of a message, or null: a check-in without a stamp (deduped by key only). */
export function deliveryOf(m: IncomingMessage, relay: string): string | null {
  const v = m.verdict;
  if (m.sequence === null && v.verdict === 'checkin') return null;
  // An oversized message keeps only its first bytes: its size tells two such ones apart too.
  const size = v.verdict === 'rejected' ? v.size : v.text.length;
  return deliveryId(
    relay,
    m.sequence,
    m.sequence === null ? JSON.stringify([m.position, size, v.text]) : '',
  );
}

/** The batch's deliveries committed before, plus those committed in the batch so far. */
export class DeliveriesSeen {
  private readonly seen: Set<string>;

  constructor(db: GateOpsDatabase, ids: ReadonlyArray<string | null>) {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    this.seen = deliveriesTable(db).known(wanted);
  }

  has(id: string | null): boolean {
    return id !== null && this.seen.has(id);
  }

  /** Committed in this batch: a later copy in the same batch is a replay too. */
  add(id: string | null): void {
    if (id !== null) this.seen.add(id);
  }
}
