/**
 * Damage checks of the database file, kept apart from the storage engine: SQLite's own checks
 * (`PRAGMA quick_check`, `PRAGMA integrity_check`) on a separate read-only connection. A file
 * damaged in the middle (random bytes over a few pages) opens fine and fails only when a damaged
 * page is read, or not at all while the damage sits in an index: then dedupe lookups miss and the
 * same keys are stored twice. So:
 *
 * - at open, a quick check: at once for a file up to QUICK_CHECK_INLINE_BYTES (under a second),
 *   in a child process for a bigger one (node:sqlite is synchronous; the check must not freeze
 *   the app, nor hold up its quitting), while the store is already in use;
 * - after an unclean shutdown (the `.open` marker was left behind), the full integrity check, in
 *   a child process;
 * - a verdict "damaged" is written next to the file (`.damage-found`), so the next start keeps
 *   the file aside even when its quick check would pass.
 *
 * Read-only commands (`stats`, `export`) only check and refuse; they never move or write a file.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { spawn, type ChildProcess } from 'node:child_process';
import { openReadOnlyFile, type SqliteFile } from './read-only-file';

export const QUICK_CHECK_INLINE_BYTES = 256 * 1024 * 1024;

export type CheckKind = 'quick' | 'full';

/**
 * `damaged`: SQLite says so (the check lists problems, or the file is not a database).
 * `unknown`: the check could not run (the file cannot be opened, is locked, an I/O error): no
 * verdict, so nothing is moved on its word; the store's own open and writes report those faults.
 */
export type CheckVerdict =
  | { readonly state: 'ok' }
  | { readonly state: 'damaged'; readonly reason: string }
  | { readonly state: 'unknown'; readonly reason: string };

const PRAGMA: Readonly<Record<CheckKind, string>> = {
  quick: 'PRAGMA quick_check(20)',
  full: 'PRAGMA integrity_check(20)',
};

const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

/**
 * Runs SQLite's check on its own connection (synchronously). `readOnly` for commands that must
 * not write; the app's start uses a writable one, which also replays a WAL left by a crash.
 */
export function checkDatabaseFile(
  file: string,
  kind: CheckKind,
  options: { readOnly?: boolean } = {},
): CheckVerdict {
  const readOnly = options.readOnly ?? false;
  let conn: SqliteFile | undefined;
  try {
    // The app's start checks on a writable connection, which also replays a crash's WAL.
    conn = readOnly ? openReadOnlyFile(file) : withClose(new DatabaseSync(file));
    const rows = conn.db.prepare(PRAGMA[kind]).all() as Array<Record<string, unknown>>;
    return verdictOf(rows.map((r) => String(Object.values(r)[0])));
  } catch (error) {
    return verdictOfError(error);
  } finally {
    try {
      conn?.close();
    } catch {
      // the verdict is what matters
    }
  }
}

function withClose(db: DatabaseSync): SqliteFile {
  return { db, close: () => db.close() };
}

/** The check's lines: `ok`, or up to 20 problems (one row may hold several lines). */
export function verdictOf(rows: ReadonlyArray<string>): CheckVerdict {
  if (rows.length === 1 && rows[0] === 'ok') return { state: 'ok' };
  const lines = rows
    .flatMap((r) => r.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('*** in database'));
  return { state: 'damaged', reason: lines.slice(0, 3).join('; ') || 'the check failed' };
}

export function verdictOfError(error: unknown): CheckVerdict {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  const reason = error instanceof Error ? error.message : String(error);
  const primary = typeof code === 'number' ? code & 0xff : -1;
  return primary === SQLITE_CORRUPT || primary === SQLITE_NOTADB
    ? { state: 'damaged', reason }
    : { state: 'unknown', reason };
}

/**
 * The same check in a child process: the event loop stays free while a big file is read, and
 * the app can quit at once. SQLite's check cannot be interrupted from another thread, and a
 * process does not exit before its worker threads return: a full check of a 1M file held the
 * process up for minutes after `process.exit` when it ran in a worker (measured: 3 min 50 s
 * under load). A child process is killed at once (`signal`), and kills itself when this process
 * goes away (its stdin ends), so a crash of the app leaves no check running.
 */
export function checkDatabaseFileInBackground(
  file: string,
  kind: CheckKind,
  signal?: AbortSignal,
): Promise<CheckVerdict> {
  // Inline code: nothing to bundle or locate at run time, in Electron's main process or Node.
  // The child only reads and reports SQLite's rows; the verdict is made here, by the same
  // functions as the inline check. Its main thread watches stdin while a worker checks.
  const check = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { DatabaseSync } = require('node:sqlite');
    let db;
    try {
      db = new DatabaseSync(workerData.file, { readOnly: true });
      const rows = db.prepare(workerData.pragma).all().map((r) => String(Object.values(r)[0]));
      parentPort.postMessage({ rows });
    } catch (error) {
      parentPort.postMessage({
        error: { message: error && error.message ? error.message : String(error), errcode: error && error.errcode },
      });
    } finally {
      try { db && db.close(); } catch {}
    }
  `;
  const main = `
    const { Worker } = require('node:worker_threads');
    const die = () => process.kill(process.pid, 'SIGKILL');
    process.stdin.on('end', die);
    process.stdin.on('error', die);
    process.stdin.resume();
    const input = JSON.parse(process.env.GATE_OPS_CHECK);
    const worker = new Worker(${JSON.stringify(check)}, { eval: true, workerData: input });
    const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n', () => process.exit(0));
    worker.once('message', send);
    worker.once('error', (e) => send({ error: { message: 'the check failed: ' + e.message } }));
  `;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (verdict: CheckVerdict): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      resolve(verdict);
    };
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, ['-e', main], {
        // Electron's binary runs as plain Node with this (a no-op for Node itself).
        env: {
          ...process.env,
          ELECTRON_RUN_AS_NODE: '1',
          GATE_OPS_CHECK: JSON.stringify({ file, pragma: PRAGMA[kind] }),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      settle({ state: 'unknown', reason: `the check could not start: ${String(error)}` });
      return;
    }
    const abort = (): void => {
      child.kill('SIGKILL');
      settle({ state: 'unknown', reason: 'the check was stopped (the app is closing)' });
    };
    if (signal?.aborted) {
      abort();
      return;
    }
    signal?.addEventListener('abort', abort, { once: true });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (err.length < 4096) err += d;
    });
    child.stdin!.on('error', () => undefined);
    child.once('error', (error) =>
      settle({ state: 'unknown', reason: `the check could not run: ${error.message}` }),
    );
    child.once('close', (code, sig) => {
      const line = out.split('\n').find((l) => l.trim() !== '');
      let m: { rows?: string[]; error?: { message: string; errcode?: number } } | undefined;
      try {
        m = line === undefined ? undefined : JSON.parse(line);
      } catch {
        m = undefined;
      }
      if (m?.rows && Array.isArray(m.rows)) settle(verdictOf(m.rows.map(String)));
      else if (m?.error)
        settle(
          verdictOfError(Object.assign(new Error(m.error.message), { errcode: m.error.errcode })),
        );
      else {
        const how = sig !== null ? `signal ${sig}` : `exit code ${String(code)}`;
        const detail = err.trim().split('\n').slice(-1)[0];
        settle({
          state: 'unknown',
          reason: `the check stopped before it answered (${how}${detail ? `: ${detail}` : ''})`,
        });
      }
    });
  });
}

const OPEN_MARKER = '.open';
const DAMAGE_MARKER = '.damage-found';

/** Damaged files kept aside next to `file` (`<file>.damaged-<time>`), newest first. */
export function keptAsideFiles(file: string): string[] {
  const dir = dirname(file);
  const prefix = `${basename(file)}.damaged-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && !/(-wal|-shm|\.damage-found)$/.test(n))
    .sort()
    .reverse()
    .map((n) => join(dir, n));
}

/** Renames the file and its companions aside; never deletes anything. Returns the new name. */
export function keepAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${file}.damaged-${stamp}`;
  renameSync(file, target);
  for (const suffix of ['-wal', '-shm', DAMAGE_MARKER]) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

export interface PreparedFile {
  /** The file was damaged and was kept aside by this start (a new one is created). */
  readonly movedAside: string | null;
  /** Why, when it was. */
  readonly reason: string | null;
  /** Every damaged file kept aside next to this one, newest first. */
  readonly keptAside: ReadonlyArray<string>;
  /** The previous run did not shut down cleanly: a full check is due. */
  readonly uncleanShutdown: boolean;
  /** The quick check could not run at once (a big file): it is due in the background. */
  readonly quickCheckDue: boolean;
}

/**
 * Before the app opens its store: a file found damaged (now, or by an earlier run's check) is
 * kept aside, and the start says so. Then marks the file open, for the unclean-shutdown test.
 */
export function prepareStoreFile(file: string): PreparedFile {
  let movedAside: string | null = null;
  let reason: string | null = null;
  let quickCheckDue = false;
  if (existsSync(file)) {
    if (existsSync(file + DAMAGE_MARKER)) {
      reason = 'an earlier check found it damaged';
    } else if (statSync(file).size <= QUICK_CHECK_INLINE_BYTES) {
      const v = checkDatabaseFile(file, 'quick');
      if (v.state === 'damaged') reason = v.reason;
    } else {
      quickCheckDue = true;
    }
    if (reason !== null) movedAside = keepAside(file);
  }
  const uncleanShutdown = movedAside === null && existsSync(file + OPEN_MARKER);
  writeFileSync(file + OPEN_MARKER, `${process.pid} ${new Date().toISOString()}\n`, {
    mode: 0o600,
  });
  return { movedAside, reason, keptAside: keptAsideFiles(file), uncleanShutdown, quickCheckDue };
}

/** The store closed cleanly: no full check is due at the next start. */
export function markClosedCleanly(file: string): void {
  rmSync(file + OPEN_MARKER, { force: true });
}

/** A check found the file damaged: the next start keeps it aside, whatever its quick check says. */
export function markDamaged(file: string, reason: string): void {
  writeFileSync(file + DAMAGE_MARKER, `${new Date().toISOString()} ${reason}\n`, { mode: 0o600 });
}

/** The store file is damaged: a read-only command refuses, and says what to do. */
export class StoreDamagedError extends Error {
  override readonly name = 'StoreDamagedError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `the database ${file} is damaged (${reason}). Nothing was changed. Start Gate Ops (the app ` +
        'or `gate-ops headless`): it keeps the damaged file aside (never deleted), starts a new ' +
        'one and fetches the history from the relay again.',
    );
  }
}

/**
 * For read-only commands: refuses a file an earlier check found damaged, or one whose quick check
 * fails now (files up to QUICK_CHECK_INLINE_BYTES; a bigger one is checked by the app's start).
 * Never moves or writes anything.
 */
export function assertReadable(file: string): void {
  if (existsSync(file + DAMAGE_MARKER)) {
    throw new StoreDamagedError(file, 'an earlier check found it damaged');
  }
  if (statSync(file).size > QUICK_CHECK_INLINE_BYTES) return;
  const v = checkDatabaseFile(file, 'quick', { readOnly: true });
  if (v.state === 'damaged') throw new StoreDamagedError(file, v.reason);
}
