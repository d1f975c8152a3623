/**
 * One node:sqlite connection per database file, shared by every collection of that RxDB
 * database (reference counted), and the place where write transactions happen.
 *
 * node:sqlite is synchronous, so a plain `bulkWrite` runs BEGIN IMMEDIATE … COMMIT without
 * yielding: no other JavaScript can interleave. A *group* (see storage-transaction.ts) keeps
 * one transaction open across awaits; while it is open every write on this connection runs
 * inside a SAVEPOINT of it and its change events wait for the group's COMMIT.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ensurePageSize } from './page-size';
import { SQLITE_PRAGMAS } from './sqlite-settings';
import { StorageDamagedError } from './storage-errors';

const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

type Group = { pendingEmits: (() => void)[]; touched: Map<string, Set<string>> };

/** Document ids written per collection name, for callers that must forget rolled-back state. */
export type TouchedDocuments = ReadonlyMap<string, ReadonlySet<string>>;

export class SqliteConnection {
  readonly db: DatabaseSync;
  private refCount = 0;
  private group: Group | undefined;
  private groupTail: Promise<void> = Promise.resolve();
  private readonly groupContext = new AsyncLocalStorage<SqliteConnection>();
  private closed = false;

  constructor(
    readonly filePath: string,
    private readonly onClosed: () => void,
  ) {
    this.db = openChecked(filePath);
    ensurePageSize(this.db);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  acquire(): this {
    this.refCount++;
    return this;
  }

  release(): void {
    this.refCount--;
    if (this.refCount > 0 || this.closed) return;
    this.closed = true;
    if (this.db.isTransaction) this.db.exec('ROLLBACK');
    this.db.close();
    this.onClosed();
  }

  /**
   * Runs `work` atomically: its own transaction, or a savepoint of the open group. `emit` runs
   * once the writes are committed (so never for work that threw or a group rolled back).
   */
  write<T>(
    work: () => T,
    emit: (result: T) => void,
    touched?: { collection: string; ids: (result: T) => readonly string[] },
  ): T {
    const group = this.group;
    if (group) {
      this.db.exec('SAVEPOINT bulk_write');
      let result: T;
      try {
        result = work();
      } catch (error) {
        this.db.exec('ROLLBACK TO bulk_write');
        this.db.exec('RELEASE bulk_write');
        throw error;
      }
      this.db.exec('RELEASE bulk_write');
      group.pendingEmits.push(() => emit(result));
      if (touched) {
        let ids = group.touched.get(touched.collection);
        if (!ids) group.touched.set(touched.collection, (ids = new Set()));
        for (const id of touched.ids(result)) ids.add(id);
      }
      return result;
    }
    this.db.exec('BEGIN IMMEDIATE');
    let result: T;
    try {
      result = work();
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    emit(result);
    return result;
  }

  /** One transaction around everything `fn` writes; groups queue behind each other. */
  async runGroup<T>(
    fn: () => Promise<T>,
    onRollback: (touched: TouchedDocuments) => void = () => undefined,
  ): Promise<T> {
    // A nested call from inside a group simply joins it.
    if (this.groupContext.getStore() === this) return fn();
    const previous = this.groupTail;
    let done!: () => void;
    this.groupTail = new Promise<void>((resolve) => (done = resolve));
    await previous;
    try {
      if (this.closed) throw new Error(`runInStorageTransaction: ${this.filePath} is closed`);
      this.db.exec('BEGIN IMMEDIATE');
      const group: Group = { pendingEmits: [], touched: new Map() };
      this.group = group;
      let result: T;
      try {
        result = await this.groupContext.run(this, fn);
      } catch (error) {
        this.group = undefined;
        if (!this.closed && this.db.isTransaction) this.db.exec('ROLLBACK');
        onRollback(group.touched);
        throw error;
      }
      this.group = undefined;
      if (this.closed) {
        throw new Error(`runInStorageTransaction: ${this.filePath} was closed before commit`);
      }
      try {
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        onRollback(group.touched);
        throw error;
      }
      for (const emit of group.pendingEmits) emit();
      return result;
    } finally {
      done();
    }
  }
}

const connections = new Map<string, SqliteConnection>();

/** Opens (or shares) the connection for a file; call `release()` once per `acquire`. */
export function acquireConnection(filePath: string): SqliteConnection {
  const key = filePath === ':memory:' ? filePath + Math.random() : path.resolve(filePath);
  let connection = connections.get(key);
  if (!connection || connection.isClosed) {
    if (filePath !== ':memory:') mkdirSync(path.dirname(key), { recursive: true });
    connection = new SqliteConnection(filePath === ':memory:' ? filePath : key, () =>
      connections.delete(key),
    );
    connections.set(key, connection);
  }
  return connection.acquire();
}

/** The open connection for a file, if any (used by the transaction API). */
export function findConnection(filePath: string): SqliteConnection | undefined {
  return connections.get(path.resolve(filePath));
}

function openChecked(filePath: string): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(filePath);
    for (const pragma of SQLITE_PRAGMAS) db.exec(`PRAGMA ${pragma}`);
    // Reading the schema touches page 1 and the schema table: a damaged file fails here.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // already unusable; the original error is what matters
    }
    if (isDamage(error) && filePath !== ':memory:' && existsSync(filePath)) {
      throw new StorageDamagedError(filePath, moveAside(filePath), error);
    }
    throw error;
  }
}

export function isDamage(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return code === SQLITE_CORRUPT || code === SQLITE_NOTADB;
}

/** Renames the file and its WAL/SHM companions; never deletes anything. */
function moveAside(filePath: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${filePath}.damaged-${stamp}`;
  renameSync(filePath, target);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(filePath + suffix)) renameSync(filePath + suffix, target + suffix);
  }
  return target;
}
