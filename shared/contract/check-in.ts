/** The normalized form of a valid check-in, as the store and the activity model use it. */
export interface CheckInRecord {
  /** Dedupe key, see `dedupeKey()`. */
  readonly key: string;
  readonly checkInId: string;
  readonly ticketId: string;
  readonly eventId: string;
  readonly productId: string;
  readonly sessionId: string;
  readonly deviceId: string | null;
  readonly gate: string | null;
  readonly attendeeName: string | null;
  readonly attendeeEmail: string | null;
  /** Epoch milliseconds. */
  readonly checkedInAt: number;
  readonly occurredAt: number;
  /** The CloudEvents `time` attribute, when present. */
  readonly time: number | null;
  readonly source: string;
  readonly ceId: string;
  /** The relay's `sequence` extension, when stamped. */
  readonly sequence: string | null;
  readonly schemaVersion: string;
  /** Fingerprint of `data`: equal for a redelivery, different for a conflicting payload. */
  readonly fingerprint: string;
}

/**
 * The dedupe key. Two key spaces that cannot collide (a decision taken with the document
 * migration, which recomputes stored keys with this function):
 * - `idempotency_key` when present and non-empty, as given, except that one beginning with `[`
 *   or `\` gets a `\` in front (an escaped key always begins with `\`);
 * - otherwise the pair `JSON.stringify([source, id])`, which always begins with `[`.
 * A pair key begins with `[` and an idempotency key never does unescaped, so an event whose
 * `idempotency_key` is the text of another event's pair key gets a different key; every ordinary
 * idempotency key stays byte-for-byte what the producer sent.
 */
export function dedupeKey(event: Readonly<Record<string, unknown>>): string | null {
  const ik = event['idempotency_key'];
  if (typeof ik === 'string' && ik.length > 0) return escapeIdempotencyKey(ik);
  const source = event['source'];
  const id = event['id'];
  if (typeof source === 'string' && typeof id === 'string' && source && id) {
    return JSON.stringify([source, id]);
  }
  return null;
}

function escapeIdempotencyKey(ik: string): string {
  const first = ik.charCodeAt(0);
  return first === 0x5b /* [ */ || first === 0x5c /* \ */ ? `\\${ik}` : ik;
}
