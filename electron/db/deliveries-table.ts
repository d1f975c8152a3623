/**
 * The relay deliveries already committed that left no check-in of their own (quarantined,
 * skipped, conflicting and redelivered messages), so a relay that sends them again is recognised
 * (electron/ingest/replays.ts). Never synced, so not an RxDB collection: one plain table in the
 * store's own SQLite file, written inside the batch's transaction (a rolled-back batch leaves no
 * row), about 40 bytes a delivery. On another storage (RxDB's memory storage in unit tests) the
 * rows live in memory and count only once the batch committed.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { GateOpsDatabase } from './database';

export interface DeliveryRow {
  readonly id: string;
  readonly ingestSeq: number;
}

const TABLE = 'ingest_deliveries';

export interface DeliveriesTable {
  /** Which of these deliveries are committed (reads; never creates anything). */
  known(ids: readonly string[]): Set<string>;
  /** Records deliveries; call inside the batch's storage transaction. */
  stage(rows: readonly DeliveryRow[]): void;
  /** The transaction committed (true) or rolled back (false). */
  settle(committed: boolean): void;
}

const tables = new WeakMap<GateOpsDatabase, DeliveriesTable>();

export function deliveriesTable(db: GateOpsDatabase): DeliveriesTable {
  let table = tables.get(db);
  if (table === undefined) {
    const sql = sqliteOf(db);
    table = sql !== null ? new SqliteDeliveries(sql) : new MemoryDeliveries();
    tables.set(db, table);
  }
  return table;
}

function sqliteOf(db: GateOpsDatabase): DatabaseSync | null {
  const internals = db.state.storageInstance.internals as
    { connection?: { db?: unknown } } | undefined;
  const sql = internals?.connection?.db;
  return sql instanceof DatabaseSync ? sql : null;
}

class SqliteDeliveries implements DeliveriesTable {
  private insert: StatementSync | null = null;
  private select: StatementSync | null = null;

  constructor(private readonly sql: DatabaseSync) {}

  known(ids: readonly string[]): Set<string> {
    const out = new Set<string>();
    if (ids.length === 0) return out;
    if (this.select === null) {
      // A store that never recorded a delivery has no table yet (and `stats` must not make one).
      const exists = this.sql
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(TABLE);
      if (exists === undefined) return out;
      this.select = this.sql.prepare(
        `SELECT id FROM ${TABLE} WHERE id IN (SELECT value FROM json_each(?))`,
      );
    }
    for (const row of this.select.all(JSON.stringify(ids))) out.add(String(row['id']));
    return out;
  }

  stage(rows: readonly DeliveryRow[]): void {
    if (rows.length === 0) return;
    if (this.insert === null) {
      this.sql.exec(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT PRIMARY KEY NOT NULL, ingest_seq INTEGER NOT NULL) WITHOUT ROWID`,
      );
      this.insert = this.sql.prepare(`INSERT INTO ${TABLE} (id, ingest_seq) VALUES (?, ?)`);
      this.select = null;
    }
    for (const r of rows) this.insert.run(r.id, r.ingestSeq);
  }

  settle(committed: boolean): void {
    // The SQLite transaction committed or rolled back the rows with the batch. A rollback may
    // also have undone the CREATE TABLE of the first batch: prepare everything afresh.
    if (!committed) {
      this.insert = null;
      this.select = null;
    }
  }
}

class MemoryDeliveries implements DeliveriesTable {
  private readonly rows = new Set<string>();
  private staged: DeliveryRow[] = [];

  known(ids: readonly string[]): Set<string> {
    return new Set(ids.filter((id) => this.rows.has(id)));
  }

  stage(rows: readonly DeliveryRow[]): void {
    this.staged.push(...rows);
  }

  settle(committed: boolean): void {
    if (committed) for (const r of this.staged) this.rows.add(r.id);
    this.staged = [];
  }
}
