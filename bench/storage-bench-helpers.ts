/** Shared bits of the storage benchmark: the raw node:sqlite baseline, timing, tables. */
import { DatabaseSync } from 'node:sqlite';
import type { CheckinDoc } from '../electron/storage/testing/checkin-schema';

export const RAW_INDEXES: readonly string[][] = [
  ['ticketId'],
  ['gate', 'checkedInAt'],
  ['sessionId', 'checkedInAt'],
  ['deviceId', 'checkedInAt'],
  ['checkedInAt'],
  ['ingestSeq'],
];

/** The baseline: a JSON column plus the same indexes, one transaction per batch. */
export function rawInsert(file: string, docs: readonly CheckinDoc[], batch: number): void {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536');
  db.exec('CREATE TABLE checkins (key TEXT PRIMARY KEY NOT NULL, data TEXT NOT NULL)');
  RAW_INDEXES.forEach((fields, i) => {
    const columns = fields.map((f) => `json_extract(data, '$.${f}')`).join(', ');
    db.exec(`CREATE INDEX raw_ix${i} ON checkins (${columns})`);
  });
  const insert = db.prepare('INSERT INTO checkins (key, data) VALUES (?, ?)');
  for (let start = 0; start < docs.length; start += batch) {
    db.exec('BEGIN IMMEDIATE');
    for (const doc of docs.slice(start, start + batch)) insert.run(doc.key, JSON.stringify(doc));
    db.exec('COMMIT');
  }
  db.close();
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    '| ' +
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join(' | ') +
    ' |';
  const rule = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
