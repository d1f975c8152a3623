/**
 * The store seen by a command that only reads (`gate-ops stats`), next to a running app: one
 * read-only SQLite connection on the file and plain SQL over the tables our storage keeps
 * (docs/storage.md: one table per collection and schema version, `<collection>--v<version>`,
 * the document JSON in `data`, tombstones marked in `deleted`), no RxDB database.
 *
 * Why not the RxDB store opened "for reading": opening it writes (RxDB's storage token and
 * collection documents, a full-text fill or a table conversion the storage would resume) and so
 * takes the write lock that ingest needs, waiting up to busy_timeout behind a big batch; and it
 * loads the whole data layer (≈2× the memory of the pass itself). A read-only connection in WAL
 * mode never takes the write lock: it can neither block ingest nor be blocked by it; its reads
 * run in one snapshot (one transaction), so every figure describes the same committed state.
 */
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { conflictsSchema } from './collections/conflicts';
import { checkinsSchema } from './collections/checkins';
import { quarantineSchema } from './collections/quarantine';
import { stateSchema } from './collections/state';
import type { CheckInTable } from './checkin-table';
import { assertReadable } from './damage-check';
import { indexedColumnsOf } from './indexed-columns';
import { needsCheckinsV1, tableExists } from './migrations/checkins-v1-pending';
import { narrowToOwner } from './owner-only';
import { openReadOnlyFile, type SqliteFile } from './read-only-file';
import { StoreNeedsUpgradeError } from './store-errors';

/** A stored RxDB document as plain data (the JSON of its `data` column). */
export type StoredDoc = Readonly<Record<string, unknown>>;

export interface StoreReader {
  readonly file: string;
  readonly sql: DatabaseSync;
  /** The quoted check-in table, ready for SQL text. */
  readonly checkinTable: string;
  /** The check-in table for SQL reads along its indexes (exports), as the storage lays it out. */
  checkIns(): CheckInTable;
  /** A live `state` document by id (null when absent or deleted). */
  stateDoc(id: string): StoredDoc | null;
  /** Live documents of a collection (0 when its table does not exist yet). */
  liveCount(collection: 'conflicts' | 'quarantine'): number;
  /** Rows of a local table (LocalCheckIns'), optionally only those matching `where`. */
  count(table: 'ticket_first' | 'checkin_local', where?: string): number;
  /** Runs `fn` in one read transaction: every read inside sees the same committed state. */
  snapshot<T>(fn: () => T): T;
  close(): void;
}

const TABLES = {
  checkins: `checkins--v${checkinsSchema.version}`,
  state: `state--v${stateSchema.version}`,
  conflicts: `conflicts--v${conflictsSchema.version}`,
  quarantine: `quarantine--v${quarantineSchema.version}`,
} as const;

const UPGRADE =
  'this data folder was written by an earlier version of Gate Ops; start the app once to upgrade it';

/**
 * Opens `<dataDir>/<name>.sqlite` for reading. A damaged file is refused (StoreDamagedError), as
 * is one the app still has to upgrade or convert (StoreNeedsUpgradeError); nothing is written.
 */
export function openStoreReader(dataDir: string, name: string): StoreReader {
  const file = join(dataDir, `${name}.sqlite`);
  assertReadable(file);
  const conn = openReadOnlyFile(file);
  try {
    const sql = conn.db;
    // A read-only connection never waits for a writer, except for a moment while the app
    // recovers or restarts the WAL; wait for that instead of failing.
    sql.exec('PRAGMA busy_timeout = 5000');
    if (
      needsCheckinsV1(sql) ||
      // conflicts at schema v0: the app's start migrates them (RxDB then removes this table)
      tableExists(sql, 'conflicts--v0') ||
      legacyFormat(sql) ||
      !tableExists(sql, TABLES.checkins)
    ) {
      throw new StoreNeedsUpgradeError(UPGRADE);
    }
    // As the app's own open: companions an older version left wider are narrowed.
    narrowToOwner(file);
    return reader(file, conn);
  } catch (error) {
    conn.close();
    throw error;
  }
}

function reader(file: string, conn: SqliteFile): StoreReader {
  const sql = conn.db;
  const state = tableExists(sql, TABLES.state)
    ? sql.prepare(
        // json(): the storage writes binary JSON (JSONB); older rows are text.
        `SELECT json(data) AS data FROM ${quoteName(TABLES.state)} WHERE id = ? AND deleted = 0`,
      )
    : null;
  const count = (table: string, where?: string): number => {
    if (!tableExists(sql, table)) return 0;
    const filter = where === undefined ? '' : ` WHERE ${where}`;
    const row = sql.prepare(`SELECT count(*) AS n FROM ${quoteName(table)}${filter}`).get();
    return Number(row?.['n'] ?? 0);
  };
  let columns: Map<string, string> | undefined;
  return {
    file,
    sql,
    checkinTable: quoteName(TABLES.checkins),
    checkIns() {
      columns ??= indexedColumnsOf(sql, TABLES.checkins);
      const known = columns;
      return {
        sql,
        table: quoteName(TABLES.checkins),
        column: (path) => {
          const name = known.get(path);
          return name === undefined ? null : quoteName(name);
        },
      };
    },
    stateDoc(id) {
      const row = state?.get(id);
      return row ? (JSON.parse(String(row['data'])) as StoredDoc) : null;
    },
    liveCount: (collection) => count(TABLES[collection], 'deleted = 0'),
    count,
    snapshot(fn) {
      sql.exec('BEGIN');
      try {
        return fn();
      } finally {
        sql.exec('COMMIT');
      }
    },
    close: () => conn.close(),
  };
}

const quoteName = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * A table still in the storage's first file format, or half converted from it: the storage
 * converts those when the app opens the file, and only its code reads them.
 */
function legacyFormat(sql: DatabaseSync): boolean {
  if (!tableExists(sql, 'rx_storage_tables')) return false;
  const columns = new Set(
    sql
      .prepare("SELECT name FROM pragma_table_info('rx_storage_tables')")
      .all()
      .map((r) => r['name']),
  );
  // Written before format 2 (the column is added on the app's open): legacy if it lists any.
  if (!columns.has('format')) {
    return sql.prepare('SELECT 1 FROM rx_storage_tables LIMIT 1').get() !== undefined;
  }
  return (
    sql
      .prepare(
        'SELECT 1 FROM rx_storage_tables WHERE format = 1 OR converting_from IS NOT NULL LIMIT 1',
      )
      .get() !== undefined
  );
}
