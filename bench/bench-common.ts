/** What the benchmarks share: the raw node:sqlite baseline table, percentiles, number formats, tables. */
import { DatabaseSync } from 'node:sqlite';

/**
 * The raw baseline's store: a `checkins` table with a JSON column keyed by dedupe key, an index
 * on each of `indexes` (json_extract of those fields), and the same pragmas as our storage.
 */
export function openRawCheckins(file: string, indexes: readonly string[][]): DatabaseSync {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536');
  db.exec('CREATE TABLE checkins (key TEXT PRIMARY KEY NOT NULL, data TEXT NOT NULL)');
  indexes.forEach((fields, i) => {
    const columns = fields.map((f) => `json_extract(data, '$.${f}')`).join(', ');
    db.exec(`CREATE INDEX raw_ix${i} ON checkins (${columns})`);
  });
  return db;
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** A Markdown table: the first column left-aligned, the others right-aligned. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
