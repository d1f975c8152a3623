/**
 * The page size of a database file. New files get PAGE_SIZE from the first pragma; a file made
 * with 4 KiB pages (before issue 16) is rebuilt once with VACUUM, which SQLite only allows
 * outside WAL mode: journal_mode DELETE, page_size, VACUUM, back to WAL. VACUUM is one
 * transaction under a rollback journal, so a kill leaves the old file (rolled back on open).
 * It waits until no format-1 table is left (their conversion rewrites them anyway) and gives
 * up quietly when the file is busy (a reader such as `gate-ops stats`) or the disk is short of
 * the room VACUUM needs (about the file's size): the file then simply keeps its pages, and the
 * next open tries again.
 */
import type { DatabaseSync } from 'node:sqlite';
import { CATALOG } from './table-catalog';

export const PAGE_SIZE = 16_384;

export function ensurePageSize(db: DatabaseSync): boolean {
  if (pageSize(db) === PAGE_SIZE) return true;
  if (db.isTransaction || hasLegacyTables(db)) return false;
  try {
    // Another connection (a reader) keeps the file in WAL mode: SQLITE_BUSY or still 'wal'.
    const mode = db.prepare('PRAGMA journal_mode = DELETE').get()?.journal_mode;
    if (mode !== 'delete') return false;
    db.exec(`PRAGMA page_size = ${PAGE_SIZE}`);
    db.exec('VACUUM');
    return pageSize(db) === PAGE_SIZE;
  } catch {
    return false;
  } finally {
    try {
      db.exec('PRAGMA journal_mode = WAL');
    } catch {
      // busy as well: the next open sets WAL again (SQLITE_PRAGMAS)
    }
  }
}

export function pageSize(db: DatabaseSync): number {
  return Number(db.prepare('PRAGMA page_size').get()?.page_size);
}

function hasLegacyTables(db: DatabaseSync): boolean {
  const catalog = db
    .prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?")
    .get(CATALOG);
  if (!catalog) return false;
  const columns = db.prepare(`SELECT name FROM pragma_table_info('${CATALOG}')`).all();
  if (!columns.some((c) => c.name === 'format')) {
    return db.prepare(`SELECT 1 AS x FROM ${CATALOG} LIMIT 1`).get() !== undefined;
  }
  return (
    db
      .prepare(
        `SELECT 1 AS x FROM ${CATALOG} WHERE format = 1 OR converting_from IS NOT NULL LIMIT 1`,
      )
      .get() !== undefined
  );
}
