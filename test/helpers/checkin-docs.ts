/**
 * Stored check-ins for tests, built the way ingest builds them: a valid CloudEvent, classified
 * by the contract, turned into the v1 document by `checkInDoc()`, stored with its local facts
 * (arrival number, received time) in one transaction, and published like a committed batch.
 * Re-entries are not set by hand: two specs with one ticket make the later scan a re-entry (a
 * spec that says `reentry: true` is checked against what the store decided).
 */
import { classify } from '../../shared/contract';
import {
  checkInDoc,
  describeChange,
  localCheckIns,
  withStoreLock,
  type CheckInDoc,
  type GateOpsDatabase,
  type LocalChange,
} from '../../electron/db';

export interface CheckInSpec {
  /** Arrival number; default: next. */
  readonly seq?: number;
  readonly key?: string;
  readonly checkInId?: string;
  readonly ticketId?: string;
  readonly eventId?: string;
  readonly productId?: string;
  readonly sessionId?: string;
  /** '' for none. */
  readonly deviceId?: string;
  /** '' for none. */
  readonly gate?: string;
  /** null for none. */
  readonly attendeeName?: string | null;
  readonly attendeeEmail?: string | null;
  readonly checkedInAt: number;
  readonly occurredAt?: number;
  readonly receivedAt?: number;
  readonly time?: number;
  /** Extra envelope fields (unknown fields are kept). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

let counter = 0;

/** The CloudEvent of a spec (valid by the contract). */
export function specEvent(spec: CheckInSpec): Record<string, unknown> {
  counter += 1;
  const checkInId = spec.checkInId ?? `ci-${counter}`;
  const attendee: Record<string, string> = {};
  const name = spec.attendeeName === undefined ? `Guest ${checkInId}` : spec.attendeeName;
  const email = spec.attendeeEmail === undefined ? `${checkInId}@example.com` : spec.attendeeEmail;
  if (name !== null) attendee['name'] = name;
  if (email !== null) attendee['email'] = email;
  const data: Record<string, unknown> = {
    attendee,
    check_in_id: checkInId,
    checked_in_at: new Date(spec.checkedInAt).toISOString(),
    event_id: spec.eventId ?? 'E1',
    event_product_id: spec.productId ?? 'GA',
    event_type: 'ticketing.check_in.created',
    occurred_at: new Date(spec.occurredAt ?? spec.checkedInAt).toISOString(),
    scanner_session_id: spec.sessionId ?? 'S1',
    schema_version: '1.0',
    ticket_id: spec.ticketId ?? `T-${checkInId}`,
  };
  if ((spec.deviceId ?? 'D1') !== '') data['device_id'] = spec.deviceId ?? 'D1';
  if ((spec.gate ?? 'G1') !== '') data['gate'] = spec.gate ?? 'G1';
  const event: Record<string, unknown> = {
    data,
    id: `ticketing.check_in.created:${checkInId}`,
    source: 'cope.ticketing',
    specversion: '1.0',
    type: 'ticketing.check_in.created',
    ...(spec.key !== undefined ? { idempotency_key: spec.key } : {}),
    ...(spec.time !== undefined ? { time: new Date(spec.time).toISOString() } : {}),
    ...spec.extra,
  };
  return event;
}

/** The stored document of a spec, exactly as ingest would build it. */
export function specDoc(spec: CheckInSpec): CheckInDoc {
  const v = classify(JSON.stringify(specEvent(spec)));
  if (v.verdict !== 'checkin')
    throw new Error(`test event is not a check-in: ${JSON.stringify(v)}`);
  return checkInDoc(v.key, v.fields, v.event);
}

/**
 * Stores check-ins with their local facts in one transaction and publishes the change (as a
 * committed ingest batch does). Returns the change: rows with their re-entry flags, and flips.
 */
export async function storeCheckIns(
  db: GateOpsDatabase,
  specs: ReadonlyArray<CheckInSpec | CheckInDoc>,
): Promise<LocalChange> {
  const local = localCheckIns(db);
  const docs = specs.map((s) => ('event' in s ? (s as CheckInDoc) : specDoc(s as CheckInSpec)));
  const change = await withStoreLock(db, async () => {
    const recorded = local.record(docs, (doc, i) => {
      const spec = specs[i] as Partial<CheckInSpec>;
      return {
        receivedAt: spec.receivedAt ?? doc.checkedInAt + 500,
        relaySeq: null,
        origin: 'relay',
        ...(spec.seq !== undefined ? { seq: spec.seq } : {}),
      };
    });
    for (let i = 0; i < docs.length; i += 5000) {
      const result = await db.checkins.bulkInsert(docs.slice(i, i + 5000));
      if (result.error.length > 0) {
        throw new Error(`insert failed: ${JSON.stringify(result.error[0])}`);
      }
    }
    return describeChange(db.checkins, local, docs, recorded);
  });
  local.publish(change);
  specs.forEach((s, i) => {
    const said = (s as { reentry?: unknown }).reentry;
    const got = change.rows[i]?.reentry;
    // Rows default to `reentry: false`, so only a spec that says `true` says something.
    if (said === true && got !== true) {
      throw new Error(
        `check-in ${i} says it is a re-entry; the store decided it is not (re-entry goes by check-in time)`,
      );
    }
  });
  return change;
}
