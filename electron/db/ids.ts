import { hash, randomBytes } from 'node:crypto';

/** Primary key of a check-in: base64url SHA-256 of its dedupe key, cut to 22 characters (132 bits). */
export function checkInDocId(dedupeKey: string): string {
  // One-shot: no Hash object per id (two ids a message at catch-up rates).
  return hash('sha256', dedupeKey, 'base64url').slice(0, 22);
}

/** Zero-padded so ids sort in arrival order. */
export function seqId(prefix: 'q' | 'c', ingestSeq: number): string {
  return `${prefix}${String(ingestSeq).padStart(15, '0')}`;
}

/** Primary key of an `acks` doc: one per (alert, laptop), whichever laptop computes it. */
export function ackDocId(alertId: string, laptopId: string): string {
  return checkInDocId(`ack:${laptopId}:${alertId}`);
}

/** A fresh random id (22 base64url characters, 132 bits): notes, laptop ids. */
export function randomDocId(): string {
  return randomBytes(17).toString('base64url').slice(0, 22);
}

/**
 * Identity of one relay delivery: the relay and its `sequence` stamp, or, for a message without
 * one, its place in the stream and its bytes (`unstamped`, see electron/ingest/replays.ts).
 */
export function deliveryId(relay: string, sequence: string | null, unstamped: string): string {
  // A JSON array: no stamp can pass for another relay's, nor for an unstamped message's place.
  const what = sequence !== null ? [relay, sequence] : [relay, null, unstamped];
  return checkInDocId(JSON.stringify(['delivery', ...what]));
}

/**
 * Primary key of a `conflicts` doc (v1): the dedupe key with the stored payload's fingerprint and
 * the conflicting one's. Every laptop that sees the same payload collide with the same stored
 * check-in derives the same id, so the conflict is one document venue-wide; the same conflicting
 * payload against another stored version (three payloads for one key) is a conflict of its own.
 */
export function conflictDocId(key: string, storedFingerprint: string, fingerprint: string): string {
  return checkInDocId(JSON.stringify(['conflict', key, storedFingerprint, fingerprint]));
}
