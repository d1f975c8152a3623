/** The ingest benchmark's raw node:sqlite baseline. */
import { openRawCheckins } from './bench-common';

/** The same indexes as the `checkins` collection (electron/db/collections/checkins.ts). */
const RAW_INDEXES: readonly string[][] = [
  ['ingestSeq'],
  ['checkedInAt'],
  ['ticketId'],
  ['nameLower'],
  ['emailLower'],
  ['gate', 'checkedInAt'],
  ['sessionId', 'checkedInAt'],
  ['deviceId', 'checkedInAt'],
  ['eventId', 'checkedInAt'],
];

/**
 * The baseline: each message parsed, check-ins inserted straight into a table with a JSON column
 * and the equivalent indexes, keyed by dedupe key (INSERT OR IGNORE: redeliveries fall away),
 * one transaction per batch, same pragmas as our storage. No validation, no websocket, no RxDB.
 * Returns the number of rows stored.
 */
export function rawIngest(file: string, messages: readonly string[], batch: number): number {
  const db = openRawCheckins(file, RAW_INDEXES);
  const insert = db.prepare('INSERT OR IGNORE INTO checkins (key, data) VALUES (?, ?)');
  let seq = 0;
  for (let start = 0; start < messages.length; start += batch) {
    db.exec('BEGIN IMMEDIATE');
    for (const text of messages.slice(start, start + batch)) {
      seq += 1;
      let e: any;
      try {
        e = JSON.parse(text);
      } catch {
        continue;
      }
      if (e?.type !== 'ticketing.check_in.created' || typeof e.data !== 'object' || !e.data)
        continue;
      const d = e.data;
      const key = e.idempotency_key || `${e.source}\u0000${e.id}`;
      const row = {
        key,
        ingestSeq: seq,
        checkedInAt: Date.parse(d.checked_in_at),
        ticketId: d.ticket_id,
        nameLower: String(d.attendee?.name ?? '').toLowerCase(),
        emailLower: String(d.attendee?.email ?? '').toLowerCase(),
        gate: d.gate ?? '',
        sessionId: d.scanner_session_id,
        deviceId: d.device_id ?? '',
        eventId: d.event_id,
        raw: text,
      };
      insert.run(key, JSON.stringify(row));
    }
    db.exec('COMMIT');
  }
  const rows = (db.prepare('SELECT count(*) AS n FROM checkins').get() as { n: number }).n;
  db.close();
  return rows;
}
