/**
 * A read-only node:sqlite connection for commands that must change nothing (`stats`, the damage
 * check). SQLite makes empty `-wal`/`-shm` files when a read-only connection opens a WAL file
 * that has none (the app is not running); closing removes the ones this connection made, as
 * long as the `-wal` is still empty (a writer that started meanwhile owns it then).
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

export interface SqliteFile {
  readonly db: DatabaseSync;
  close(): void;
}

export function openReadOnlyFile(file: string): SqliteFile {
  const made = ['-wal', '-shm'].filter((x) => !existsSync(file + x));
  const cleanUp = (): void => {
    if (made.length > 0 && existsSync(file + '-wal') && statSync(file + '-wal').size === 0) {
      for (const x of made) rmSync(file + x, { force: true });
    }
  };
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
  } catch (error) {
    cleanUp();
    throw error;
  }
  return {
    db,
    close() {
      try {
        db.close();
      } finally {
        cleanUp();
      }
    },
  };
}
