/**
 * The `checkins` document as schema version 0 stored it (up to the v1 migration): local facts
 * (arrival order, received time, relay sequence, the re-entry flag by arrival) inside the
 * document, and the event as the escaped text received, `sequence` stamp included.
 */
export interface CheckInDocV0 {
  id: string;
  key: string;
  ingestSeq: number;
  checkInId: string;
  ticketId: string;
  eventId: string;
  productId: string;
  sessionId: string;
  deviceId: string;
  gate: string;
  attendeeName?: string;
  attendeeEmail?: string;
  nameLower: string;
  emailLower: string;
  checkedInAt: number;
  occurredAt: number;
  receivedAt: number;
  time?: number;
  source: string;
  ceId: string;
  sequence?: string;
  schemaVersion: string;
  fingerprint: string;
  reentry: boolean;
  raw: string;
}
