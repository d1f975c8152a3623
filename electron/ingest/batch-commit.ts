/**
 * One batch of classified messages into the store, in one storage transaction: new check-in
 * documents and their local facts (arrival, received time, relay stamp, re-entry by check-in
 * time: LocalCheckIns), quarantined messages, conflicts, and the `ingest` state doc (cursor +
 * counters).
 * Idempotent by dedupe key: a key already stored (or earlier in the batch) is a redelivery when
 * its payload fingerprint matches and a conflict when it does not; the stored check-in is never
 * overwritten. A delivery the relay sent again although it is committed (replays.ts) is dropped
 * and counted as replayed, so no count grows twice. Nothing here mutates the caller's state: the
 * new totals are returned and become true only when the transaction has committed.
 */
import type { CheckInRow } from '../../shared/api/channels/checkins';
import type { Classification, CheckInVerdict } from '../../shared/contract';
import {
  checkInDoc,
  checkInDocId,
  conflictDoc,
  describeChange,
  localCheckIns,
  localConflicts,
  type ConflictFacts,
  type LocalConflictRow,
  seqId,
  type CheckInDoc,
  type ConflictDoc,
  deliveriesTable,
  type DeliveriesTable,
  type DeliveryRow,
  type GateOpsDatabase,
  type LocalChange,
  type QuarantineDoc,
  INGEST_STATE_ID,
  type IngestTotals,
  insertNew,
  put,
  readByIds,
  type StoreTransaction,
} from '../db';
import type { IncomingMessage } from './incoming-message';
import { DeliveriesSeen, deliveryOf } from './replays';

export type { IncomingMessage } from './incoming-message';

export interface BatchCounts {
  readonly messages: number;
  readonly stored: number;
  readonly redelivered: number;
  readonly conflicts: number;
  readonly quarantined: number;
  readonly skipped: number;
  readonly reentries: number;
}

export interface BatchResult {
  readonly totals: IngestTotals;
  readonly counts: BatchCounts;
  /** The new check-ins as views show them (re-entry flag as stored). */
  readonly checkins: ReadonlyArray<CheckInRow>;
  /** The new check-in documents, in the order of `checkins`. */
  readonly documents: ReadonlyArray<Readonly<CheckInDoc>>;
  /** Earlier check-ins that became re-entries: an earlier scan of their ticket arrived now. */
  readonly flips: LocalChange['flips'];
  readonly quarantine: ReadonlyArray<Readonly<QuarantineDoc>>;
  readonly conflicts: ReadonlyArray<Readonly<ConflictDoc>>;
}

export async function commitBatch(
  db: GateOpsDatabase,
  transaction: StoreTransaction,
  batch: ReadonlyArray<IncomingMessage>,
  before: IngestTotals,
): Promise<BatchResult> {
  const recorded = deliveriesTable(db);
  try {
    const { change, conflictRows, ...result } = await transaction(() =>
      write(db, batch, before, recorded),
    );
    recorded.settle(true);
    // Committed: the activity model and the lists may follow now (never for a rolled-back batch).
    localCheckIns(db).publish(change);
    localConflicts(db).publish(conflictRows);
    return result;
  } catch (error) {
    recorded.settle(false);
    throw error;
  }
}

async function write(
  db: GateOpsDatabase,
  batch: ReadonlyArray<IncomingMessage>,
  before: IngestTotals,
  recorded: DeliveriesTable,
): Promise<BatchResult & { change: LocalChange; conflictRows: LocalConflictRow[] }> {
  const local = localCheckIns(db);
  const relay = before.cursorRelay ?? '';
  const ids = batch.map((m) =>
    m.verdict.verdict === 'checkin' ? checkInDocId(m.verdict.key) : '',
  );
  const deliveryIds = batch.map((m) => deliveryOf(m, relay));
  const stored = await readByIds(db.checkins, [...new Set(ids.filter(Boolean))]);
  // A stored check-in's relay stamp is a local fact: a replay of it is recognised by that.
  const stamps = local.get([...stored.keys()]);
  const seen = new DeliveriesSeen(db, deliveryIds);
  const fresh = new Map<string, { doc: CheckInDoc; m: IncomingMessage }>();
  const quarantine: QuarantineDoc[] = [];
  const conflicting: Array<{ doc: ConflictDoc; m: IncomingMessage; seq: number }> = [];
  const deliveries: DeliveryRow[] = [];
  let skipped = 0;
  let redelivered = 0;
  let replayed = 0;
  let anomalies = 0;
  let seq = before.ingestSeq;
  let lastReceivedAt = before.lastReceivedAt;
  batch.forEach((m, i) => {
    const v = m.verdict;
    const delivery = deliveryIds[i]!;
    const id = ids[i]!;
    const pending = v.verdict === 'checkin' ? fresh.get(id) : undefined;
    const existing = v.verdict === 'checkin' ? (pending?.doc ?? stored.get(id)) : undefined;
    const stamp = pending ? pending.m.sequence : (stamps.get(id)?.relaySeq ?? null);
    const isReplay =
      seen.has(delivery) || (existing !== undefined && m.sequence !== null && stamp === m.sequence);
    if (isReplay) {
      replayed += 1;
      return;
    }
    seq += 1;
    if (m.outOfOrder) anomalies += 1;
    lastReceivedAt = m.receivedAt;
    if (v.verdict === 'checkin' && existing === undefined) {
      fresh.set(id, { doc: newDocument(v, id), m });
      return;
    }
    // Everything else leaves no check-in of its own: remember the delivery.
    seen.add(delivery);
    if (delivery !== null) deliveries.push({ id: delivery, ingestSeq: seq });
    if (v.verdict === 'skipped') skipped += 1;
    else if (v.verdict === 'rejected') quarantine.push(quarantineDoc(m, v, seq));
    else if (existing!.fingerprint === v.fields.fingerprint) redelivered += 1;
    else {
      // The queued verdict kept only the text; conflicts are rare, so it is parsed again here.
      const event = JSON.parse(v.text) as Record<string, unknown>;
      const doc = conflictDoc(v.key, existing!.fingerprint, v.fields.fingerprint, event);
      conflicting.push({ doc, m, seq });
    }
  });
  // A conflict already stored (seen before, or pulled from another laptop) or twice in this
  // batch is the same conflict again: a redelivery, never a second document.
  const storedConflicts = await readByIds(db.conflicts, [
    ...new Set(conflicting.map((c) => c.doc.id)),
  ]);
  const conflicts: ConflictDoc[] = [];
  const conflictFacts: ConflictFacts[] = [];
  for (const { doc, m, seq: at } of conflicting) {
    if (storedConflicts.has(doc.id) || conflicts.some((c) => c.id === doc.id)) {
      redelivered += 1;
      continue;
    }
    conflicts.push(doc);
    conflictFacts.push({
      id: doc.id,
      seq: at,
      receivedAt: m.receivedAt,
      relaySeq: m.sequence,
      origin: 'relay',
    });
  }
  // The cursor rule ran as each message was accepted (cursor-rule.ts): persist its state after
  // the batch's last message.
  const { cursor, latest } = batch[batch.length - 1]?.cursorAfter ?? before;

  const entries = [...fresh.values()];
  const newDocs = entries.map((e) => e.doc);
  const recordedFacts = local.record(newDocs, (_doc, i) => ({
    receivedAt: entries[i]!.m.receivedAt,
    relaySeq: entries[i]!.m.sequence,
    origin: 'relay',
  }));
  await insertNew(db.checkins, newDocs);
  await insertNew(db.quarantine, quarantine);
  await insertNew(db.conflicts, conflicts);
  const conflictRows = localConflicts(db).record(conflictFacts);
  const change = await describeChange(db.checkins, local, newDocs, recordedFacts);
  const reentries = change.rows.filter((r) => r.reentry).length + change.flips.length;
  recorded.stage(deliveries);
  const totals: IngestTotals = {
    cursor,
    latest,
    cursorRelay: before.cursorRelay,
    ingestSeq: seq,
    stored: before.stored + newDocs.length,
    redelivered: before.redelivered + redelivered,
    conflicts: before.conflicts + conflicts.length,
    quarantined: before.quarantined + quarantine.length,
    skipped: before.skipped + skipped,
    reentries: before.reentries + reentries,
    replayed: before.replayed + replayed,
    sequenceAnomalies: before.sequenceAnomalies + anomalies,
    lastReceivedAt,
  };
  await put(db.state, {
    id: INGEST_STATE_ID,
    value: { version: 1, ...totals },
    updatedAt: Date.now(),
  });
  return {
    totals,
    counts: {
      messages: batch.length,
      stored: newDocs.length,
      redelivered,
      conflicts: conflicts.length,
      quarantined: quarantine.length,
      skipped,
      reentries,
    },
    checkins: change.rows,
    documents: newDocs,
    flips: change.flips,
    quarantine,
    conflicts,
    change,
    conflictRows,
  };
}

/**
 * The stored document of a new check-in. The queued verdict kept only the text (a parsed event
 * can take twenty times its memory), so the event is read again here, once per new check-in.
 */
function newDocument(v: CheckInVerdict, id: string): CheckInDoc {
  const event = JSON.parse(v.text) as Record<string, unknown>;
  return checkInDoc(v.key, v.fields, event, id);
}

function quarantineDoc(
  m: IncomingMessage,
  v: Extract<Classification, { verdict: 'rejected' }>,
  seq: number,
): QuarantineDoc {
  const doc: QuarantineDoc = {
    id: seqId('q', seq),
    ingestSeq: seq,
    receivedAt: m.receivedAt,
    code: (v.reasons[0]?.code ?? 'unknown').slice(0, 64),
    reasons: v.reasons.map((r) => ({ code: r.code, path: r.path, message: r.message })),
    text: v.text,
    size: v.size,
    truncated: v.truncated,
  };
  if (v.key !== null) doc.key = v.key;
  if (m.sequence !== null) doc.sequence = m.sequence;
  return doc;
}
