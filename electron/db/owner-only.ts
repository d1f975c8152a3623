/**
 * The database holds attendee names and e-mails: its file and SQLite's companions (`-wal`,
 * `-shm`, `-journal`) are for the laptop's user alone. A data folder created by us is 0700, but
 * one the user made (or an older version left) may be 0755, and SQLite creates files with the
 * process umask (0644 usually). SQLite gives its companion files the mode of the main file, so
 * creating the main file 0600 before SQLite opens it covers them; files left wider by an earlier
 * version are narrowed when the store opens.
 */
import { chmodSync, closeSync, openSync } from 'node:fs';

const COMPANIONS = ['', '-wal', '-shm', '-journal'];

/** Before SQLite opens `file`: create it empty and owner-only if it does not exist yet. */
export function createOwnerOnly(file: string): void {
  if (process.platform === 'win32') return; // NTFS permissions follow the user profile folder
  try {
    closeSync(openSync(file, 'wx', 0o600)); // an empty file is an empty SQLite database
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Narrows the database file and its companions to owner-only (missing ones are skipped). */
export function narrowToOwner(file: string): void {
  if (process.platform === 'win32') return;
  for (const suffix of COMPANIONS) {
    try {
      chmodSync(`${file}${suffix}`, 0o600);
    } catch (error) {
      // Absent (no WAL yet), or not ours to change (someone else's file opened read-only).
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw error;
    }
  }
}
