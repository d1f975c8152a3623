/**
 * One batch of classified messages into the store, in one storage transaction: new check-ins,
 * tickets seen, quarantined messages, conflicts, and the `ingest` state doc (cursor + counters).
 * Idempotent by dedupe key: a key already stored (or earlier in the batch) is a redelivery when
 * its payload fingerprint matches and a conflict when it does not; the stored check-in is never
 * overwritten. Nothing here mutates the caller's state: the new totals are returned and become
 * true only when the transaction has committed.
 */
import type { Classification, CheckInVerdict } from '../../shared/contract';
import {
  checkInDocId,
  seqId,
  ticketDocId,
  type CheckInDoc,
  type ConflictDoc,
  type GateOpsDatabase,
  type QuarantineDoc,
  type TicketDoc,
  INGEST_STATE_ID,
  type IngestTotals,
  insertNew,
  put,
  readByIds,
  type StoreTransaction,
} from '../db';

export interface IncomingMessage {
  readonly verdict: Classification;
  /** The relay's `sequence` stamp, when the message carried one. */
  readonly sequence: string | null;
  readonly receivedAt: number;
}

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
  readonly checkins: ReadonlyArray<Readonly<CheckInDoc>>;
  readonly quarantine: ReadonlyArray<Readonly<QuarantineDoc>>;
  readonly conflicts: ReadonlyArray<Readonly<ConflictDoc>>;
}

export async function commitBatch(
  db: GateOpsDatabase,
  transaction: StoreTransaction,
  batch: ReadonlyArray<IncomingMessage>,
  before: IngestTotals,
): Promise<BatchResult> {
  return transaction(async () => {
    const checkIns: Array<{ m: IncomingMessage; v: CheckInVerdict; id: string; seq: number }> = [];
    const quarantine: QuarantineDoc[] = [];
    let skipped = 0;
    let cursor = before.cursor;
    let cursorTail = before.cursorTail;
    let lastReceivedAt = before.lastReceivedAt;
    batch.forEach((m, i) => {
      const seq = before.ingestSeq + i + 1;
      if (m.sequence === null) {
        // Only unreadable messages form the tail; a check-in without a sequence ends it (a relay
        // that does not stamp sequence: see IngestPipeline.push).
        cursorTail = m.verdict.verdict === 'checkin' ? 0 : cursorTail + 1;
      } else if (cursor === null || m.sequence > cursor) {
        cursor = m.sequence;
        cursorTail = 0;
      }
      lastReceivedAt = m.receivedAt;
      const v = m.verdict;
      if (v.verdict === 'checkin') checkIns.push({ m, v, id: checkInDocId(v.key), seq });
      else if (v.verdict === 'skipped') skipped += 1;
      else quarantine.push(quarantineDoc(m, v, seq));
    });

    const stored = await readByIds(db.checkins, [...new Set(checkIns.map((c) => c.id))]);
    const fresh = new Map<string, CheckInDoc>();
    const conflicts: ConflictDoc[] = [];
    let redelivered = 0;
    for (const c of checkIns) {
      const existing = fresh.get(c.id) ?? stored.get(c.id);
      if (existing === undefined) {
        fresh.set(c.id, checkInDoc(c.m, c.v, c.id, c.seq));
      } else if (existing.fingerprint === c.v.record.fingerprint) {
        redelivered += 1;
      } else {
        conflicts.push({
          id: seqId('c', c.seq),
          ingestSeq: c.seq,
          receivedAt: c.m.receivedAt,
          key: c.v.key,
          checkinId: c.id,
          storedFingerprint: existing.fingerprint,
          fingerprint: c.v.record.fingerprint,
          text: c.v.text,
          ...(c.m.sequence !== null ? { sequence: c.m.sequence } : {}),
        });
      }
    }

    const newDocs = [...fresh.values()];
    const knownTickets = await readByIds(db.tickets, [
      ...new Set(newDocs.map((d) => ticketDocId(d.ticketId))),
    ]);
    const newTickets = new Map<string, TicketDoc>();
    let reentries = 0;
    for (const doc of newDocs) {
      const tid = ticketDocId(doc.ticketId);
      if (knownTickets.has(tid) || newTickets.has(tid)) {
        doc.reentry = true;
        reentries += 1;
      } else {
        newTickets.set(tid, {
          id: tid,
          ticketId: doc.ticketId,
          firstCheckin: doc.id,
          firstCheckedInAt: doc.checkedInAt,
        });
      }
    }

    await insertNew(db.checkins, newDocs);
    await insertNew(db.tickets, [...newTickets.values()]);
    await insertNew(db.quarantine, quarantine);
    await insertNew(db.conflicts, conflicts);
    const totals: IngestTotals = {
      cursor,
      cursorTail,
      cursorRelay: before.cursorRelay,
      ingestSeq: before.ingestSeq + batch.length,
      stored: before.stored + newDocs.length,
      redelivered: before.redelivered + redelivered,
      conflicts: before.conflicts + conflicts.length,
      quarantined: before.quarantined + quarantine.length,
      skipped: before.skipped + skipped,
      reentries: before.reentries + reentries,
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
      checkins: newDocs,
      quarantine,
      conflicts,
    };
  });
}

function checkInDoc(m: IncomingMessage, v: CheckInVerdict, id: string, seq: number): CheckInDoc {
  const r = v.record;
  const doc: CheckInDoc = {
    id,
    key: r.key,
    ingestSeq: seq,
    checkInId: r.checkInId,
    ticketId: r.ticketId,
    eventId: r.eventId,
    productId: r.productId,
    sessionId: r.sessionId,
    deviceId: r.deviceId ?? '',
    gate: r.gate ?? '',
    nameLower: (r.attendeeName ?? '').toLowerCase().slice(0, 128),
    emailLower: (r.attendeeEmail ?? '').toLowerCase().slice(0, 128),
    checkedInAt: r.checkedInAt,
    occurredAt: r.occurredAt,
    receivedAt: m.receivedAt,
    source: r.source,
    ceId: r.ceId,
    schemaVersion: r.schemaVersion,
    fingerprint: r.fingerprint,
    reentry: false,
    raw: v.text,
  };
  if (r.attendeeName !== null) doc.attendeeName = r.attendeeName;
  if (r.attendeeEmail !== null) doc.attendeeEmail = r.attendeeEmail;
  if (r.time !== null) doc.time = r.time;
  if (m.sequence !== null) doc.sequence = m.sequence;
  return doc;
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
