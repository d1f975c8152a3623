/**
 * Damaged store files for tests: a store filled with generated check-ins, then damaged the two
 * ways SQLite files are damaged in the field: random bytes over pages in the middle of the file
 * (a failing disk, a bad copy), and index content that no longer matches its table (what made
 * dedupe lookups miss, so the same keys were stored twice) while every page still looks sound.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore } from '../../electron/db';
import { EventGenerator, formatSequence } from '../../electron/demo-venue';
import { IngestPipeline } from '../../electron/ingest';

/** Fills `<dir>/gate-ops.sqlite` with `count` generated messages and closes it cleanly. */
export async function fillStore(dir: string, count: number, seed = 3): Promise<void> {
  const store = await openStore(dir);
  try {
    const ingest = await IngestPipeline.open({
      db: store.db,
      transaction: store.transaction,
      relay: 'ws://relay.test/events',
    });
    const generator = new EventGenerator({ seed, mix: { redelivery: 0.05, invalid: 0.01 } });
    for (let i = 0; i < count; i++) {
      const m = generator.next(Date.now());
      ingest.push(
        m.event !== null ? JSON.stringify({ ...m.event, sequence: formatSequence(i + 1) }) : m.raw!,
      );
    }
    await ingest.flush();
    await ingest.close();
  } finally {
    await store.close();
  }
}

/** `writes` × 16 seeded random bytes between a quarter and three quarters of the file. */
export function scribble(file: string, writes = 200, seed = 1): void {
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    for (let i = 0; i < writes; i++) {
      const bytes = Buffer.alloc(16);
      for (let j = 0; j < 16; j++) bytes[j] = Math.floor(rnd() * 256);
      writeSync(fd, bytes, 0, 16, Math.floor(size * 0.25 + rnd() * size * 0.5));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * `perPage` × 16 seeded random bytes inside every leaf page of one table (never its indexes):
 * a read of that table's rows then meets the damage whichever index led it there. Random bytes
 * anywhere in the file (`scribble`) can also land in an index and make a walk end early with
 * no error at all (SQLite cannot see every damage): a query then returns too few rows, silently.
 */
export function scribbleTable(file: string, table: string, perPage = 4, seed = 1): number {
  const db = new DatabaseSync(file, { readOnly: true });
  let pages: number[];
  let pageSize: number;
  try {
    pageSize = (db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
    pages = (
      db
        .prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`)
        .all(table) as Array<{ pageno: number }>
    ).map((r) => r.pageno);
  } finally {
    db.close();
  }
  if (pages.length === 0) throw new Error(`no leaf pages of ${table} in ${file}`);
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const fd = openSync(file, 'r+');
  try {
    for (const page of pages) {
      for (let i = 0; i < perPage; i++) {
        const bytes = Buffer.alloc(16);
        for (let j = 0; j < 16; j++) bytes[j] = Math.floor(rnd() * 256);
        // Past the page header (8 bytes for a leaf) and not beyond the page.
        const at = (page - 1) * pageSize + 8 + Math.floor(rnd() * (pageSize - 24));
        writeSync(fd, bytes, 0, 16, at);
      }
    }
  } finally {
    closeSync(fd);
  }
  return pages.length;
}

/**
 * Makes one index of the check-ins table describe another column than the one it holds: every
 * page stays sound (SQLite's quick check passes), only the full integrity check finds it.
 */
export function mismatchIndex(file: string): void {
  const db = new DatabaseSync(file, { defensive: false });
  try {
    const row = db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'checkins%' AND sql LIKE '%"f1"%' LIMIT 1`,
      )
      .get() as { name: string; sql: string } | undefined;
    if (!row) throw new Error('no index on f1 in the check-ins table');
    db.exec('PRAGMA writable_schema = ON');
    db.prepare('UPDATE sqlite_master SET sql = ? WHERE name = ?').run(
      row.sql.replace('"f1"', '"f3"'),
      row.name,
    );
    db.exec('PRAGMA writable_schema = OFF');
  } finally {
    db.close();
  }
}

/** Name → sha256 of every file in `dir`: proves a command moved and changed nothing. */
export function folderFingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    out[name] = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
  }
  return out;
}
