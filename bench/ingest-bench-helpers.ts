/** Shared bits of the ingest benchmark: the raw node:sqlite baseline, percentiles, a table. */
import { DatabaseSync } from 'node:sqlite';

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
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536');
  db.exec('CREATE TABLE checkins (key TEXT PRIMARY KEY NOT NULL, data TEXT NOT NULL)');
  RAW_INDEXES.forEach((fields, i) => {
    const columns = fields.map((f) => `json_extract(data, '$.${f}')`).join(', ');
    db.exec(`CREATE INDEX raw_ix${i} ON checkins (${columns})`);
  });
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

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
