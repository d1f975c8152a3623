/**
 * The storage benchmark's baseline and meters: plain node:sqlite with the app's `checkins`
 * indexes (the same fields, json_extract expression indexes), the storage's own pragmas and the
 * same transaction size; bytes written by this process (/proc/self/io); file sizes.
 */
import { readFileSync, statSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { checkinsSchema } from '../electron/db';
import { SQLITE_PRAGMAS } from '../electron/storage';

/** The `checkins` collection's own index list (electron/db/collections/checkins.ts). */
export const CHECKIN_INDEXES: readonly (readonly string[])[] = (checkinsSchema.indexes ?? []).map(
  (index) => (typeof index === 'string' ? [index] : [...index]),
);

const path = (field: string) => `json_extract(data, '$.${field}')`;

/** What a hand-written store would do: one JSON column keyed by the document id, 8 indexes. */
export class RawCheckins {
  readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(readonly file: string) {
    this.db = new DatabaseSync(file);
    for (const pragma of SQLITE_PRAGMAS) this.db.exec(`PRAGMA ${pragma}`);
    this.db.exec('CREATE TABLE checkins (id TEXT PRIMARY KEY NOT NULL, data TEXT NOT NULL)');
    CHECKIN_INDEXES.forEach((fields, i) => {
      this.db.exec(`CREATE INDEX raw_ix${i} ON checkins (${fields.map(path).join(', ')})`);
    });
    this.insert = this.db.prepare('INSERT INTO checkins (id, data) VALUES (?, ?)');
  }

  /** One transaction, like one storage bulkWrite. */
  insertBatch(docs: readonly Record<string, unknown>[]): void {
    this.db.exec('BEGIN IMMEDIATE');
    for (const doc of docs) this.insert.run(doc['id'] as string, JSON.stringify(doc));
    this.db.exec('COMMIT');
  }

  /** The same with documents already as JSON text: [id, json]. */
  insertTexts(rows: readonly (readonly [string, string])[]): void {
    this.db.exec('BEGIN IMMEDIATE');
    for (const [id, json] of rows) this.insert.run(id, json);
    this.db.exec('COMMIT');
  }

  /** Newest first along the checkedInAt index (or gate + checkedInAt), parsed like ours. */
  newestFirst(limit: number, gate?: string): unknown[] {
    const key = gate === undefined ? 'all' : 'gate';
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(
        gate === undefined
          ? `SELECT data FROM checkins ORDER BY ${path('checkedInAt')} DESC LIMIT ?`
          : `SELECT data FROM checkins WHERE ${path('gate')} = ? ` +
              `ORDER BY ${path('checkedInAt')} DESC LIMIT ?`,
      );
      this.statements.set(key, statement);
    }
    const rows = gate === undefined ? statement.all(limit) : statement.all(gate, limit);
    return rows.map((row) => JSON.parse(row.data as string));
  }

  /** Size on disk after a full checkpoint (WAL folded into the file). */
  bytesOnDisk(): number {
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return fileBytes(this.file);
  }

  close(): void {
    this.db.close();
  }
}

/** The database file plus its WAL, if any. */
export function fileBytes(file: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(file + suffix).size;
    } catch {
      // no WAL
    }
  }
  return total;
}

/** Bytes this process has handed to write(2) so far (WAL frames and checkpoints), or NaN. */
export function bytesWritten(): number {
  try {
    const match = /^wchar:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Accumulates wall time, CPU time and bytes written over many measured sections. */
export class Meter {
  wallMs = 0;
  cpuUs = 0;
  written = 0;
  count = 0;

  async measure<T>(count: number, work: () => T | Promise<T>): Promise<T> {
    const written = bytesWritten();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await work();
    this.wallMs += performance.now() - start;
    const used = process.cpuUsage(cpu);
    this.cpuUs += used.user + used.system;
    this.written += bytesWritten() - written;
    this.count += count;
    return result;
  }

  get rate(): number {
    return this.count / (this.wallMs / 1000);
  }
  get cpuPerDoc(): number {
    return this.cpuUs / this.count;
  }
  pagesPerDoc(pageSize: number): number {
    return this.written / pageSize / this.count;
  }
}

export type SpaceRow = Readonly<{ name: string; bytes: number; fill: number; cells: number }>;

/**
 * Where a file's bytes are (SQLite's dbstat): bytes of pages per table / index, and how full
 * those pages are (payload ÷ page bytes). Run after a checkpoint, on a connection that can read.
 */
export function spaceByObject(db: DatabaseSync): SpaceRow[] {
  return db
    .prepare(
      'SELECT name, pgsize, payload, ncell FROM dbstat WHERE aggregate = TRUE ORDER BY pgsize DESC',
    )
    .all()
    .map((r) => ({
      name: String(r.name),
      bytes: Number(r.pgsize),
      fill: Number(r.pgsize) > 0 ? Number(r.payload) / Number(r.pgsize) : 0,
      cells: Number(r.ncell),
    }));
}
