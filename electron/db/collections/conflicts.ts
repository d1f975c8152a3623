/**
 * `conflicts` (schema v1): a dedupe key that came with a payload other than the stored check-in's.
 * The stored check-in is never overwritten. Replicated between the laptops of a venue, so the
 * document holds only what the conflict is: two laptops that saw the same conflict hold the same
 * document byte for byte (id from key and both fingerprints, the event without the relay's
 * `sequence` stamp, in one canonical JSON spelling). When and how this laptop learnt of it
 * (arrival number, received time, relay stamp, relay / peer / lost to the hub) is in
 * `LocalConflicts` (../local-conflicts.ts). Build documents with `conflictDoc()` only.
 */
import type { RxJsonSchema } from 'rxdb';
import { classify, DEFAULT_MAX_MESSAGE_BYTES, withoutSequence } from '../../../shared/contract';
import { checkInDocId, conflictDocId } from '../ids';

export interface ConflictDoc {
  /** `conflictDocId(key, storedFingerprint, fingerprint)` (../ids.ts). */
  readonly id: string;
  readonly key: string;
  /** Primary key of the stored check-in it collides with (`checkInDocId(key)`). */
  readonly checkinId: string;
  /** Fingerprint of the stored check-in's `data`. */
  readonly storedFingerprint: string;
  /** Fingerprint of the conflicting event's `data`. */
  readonly fingerprint: string;
  /** The conflicting event as JSON text, without `sequence` (`conflictText`). */
  readonly text: string;
}

export const CONFLICTS_SCHEMA_VERSION = 1;
/** Longest conflict text: the longest message the contract accepts. */
export const CONFLICT_TEXT_MAX = DEFAULT_MAX_MESSAGE_BYTES;

/**
 * The `bulkWrite` context of a conflict this laptop records because venue sync replaced its
 * check-in with the hub's version (RxDB's conflict handler: the hub wins).
 */
export const RESOLVED_CONFLICT_CONTEXT = 'gate-ops-sync-resolved';

/** The event as a conflict document keeps it: parsed, less `sequence`, serialized again. */
export function conflictText(event: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(withoutSequence(event));
}

export function conflictDoc(
  key: string,
  storedFingerprint: string,
  fingerprint: string,
  event: Readonly<Record<string, unknown>>,
): ConflictDoc {
  return {
    id: conflictDocId(key, storedFingerprint, fingerprint),
    key,
    checkinId: checkInDocId(key),
    storedFingerprint,
    fingerprint,
    text: conflictText(event),
  };
}

export const conflictsSchema: RxJsonSchema<ConflictDoc> = {
  title: 'conflicting redeliveries',
  version: CONFLICTS_SCHEMA_VERSION,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 22 },
    key: { type: 'string', maxLength: 1024 },
    checkinId: { type: 'string', maxLength: 22 },
    storedFingerprint: { type: 'string', maxLength: 32 },
    fingerprint: { type: 'string', maxLength: 32 },
    text: { type: 'string', maxLength: CONFLICT_TEXT_MAX },
  },
  required: ['id', 'key', 'checkinId', 'storedFingerprint', 'fingerprint', 'text'],
};

/**
 * Why a conflict document (from another laptop) is not what its own event says, or null: the
 * id must be derived from key and both fingerprints, the stored check-in's id from the key, the
 * two payloads must differ, and the text must be a check-in event with that key and that
 * fingerprint, in the one spelling `conflictText` gives it (so equal conflicts are equal bytes).
 */
export function conflictDocProblem(doc: Readonly<ConflictDoc>): string | null {
  if (doc.fingerprint === doc.storedFingerprint) return 'the two payloads are the same';
  if (doc.checkinId !== checkInDocId(doc.key)) return 'checkinId is not the digest of the key';
  if (doc.id !== conflictDocId(doc.key, doc.storedFingerprint, doc.fingerprint)) {
    return 'id is not derived from key and fingerprints';
  }
  const v = classify(doc.text);
  if (v.verdict !== 'checkin') {
    return v.verdict === 'rejected'
      ? `text is not a valid check-in (${v.reasons[0]?.message ?? 'rejected'})`
      : 'text is not a check-in';
  }
  if (v.sequence !== null) return 'text carries a relay sequence stamp';
  if (v.key !== doc.key) return 'key does not match the event';
  if (v.fields.fingerprint !== doc.fingerprint) return 'fingerprint does not match the event';
  if (conflictText(v.event) !== doc.text) return 'text is not in its canonical spelling';
  return null;
}
