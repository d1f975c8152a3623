/** The normalized form of a valid check-in, as the store and the activity model use it. */
export interface CheckInRecord {
  /** Dedupe key: `idempotency_key`, or the (`source`, `id`) pair. */
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

/** `idempotency_key` when present and non-empty, otherwise the (`source`, `id`) pair. */
export function dedupeKey(event: Readonly<Record<string, unknown>>): string | null {
  const ik = event['idempotency_key'];
  if (typeof ik === 'string' && ik.length > 0) return ik;
  const source = event['source'];
  const id = event['id'];
  if (typeof source === 'string' && typeof id === 'string' && source && id) {
    return JSON.stringify([source, id]);
  }
  return null;
}
