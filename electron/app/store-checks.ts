/**
 * Damage handling while the app runs, next to the store it watches:
 * - after an unclean shutdown, SQLite's full integrity check; for a file too big to check before
 *   opening, the quick check: both in a child process while the store is already in use;
 * - a check that finds damage, a write that fails on damage (the ingest pipeline classifies
 *   it), or a read that does (an API query, a dashboard recomputation: `readFailed`) stops
 *   writing, is shown by the store's health (banner, alert, one log line), and marks the file so
 *   that the next start keeps it aside instead of opening it again.
 */
import {
  checkDatabaseFileInBackground,
  markDamaged,
  type CheckKind,
  type PreparedFile,
} from '../db';
import {
  classifyStoreError,
  type IngestPipeline,
  type StoreFault,
  type StoreHealthMonitor,
} from '../ingest';

export interface StoreChecksOptions {
  readonly file: string | null;
  readonly startup: PreparedFile | undefined;
  readonly ingest: IngestPipeline;
  readonly health: StoreHealthMonitor;
  readonly log: (line: string) => void;
  readonly now?: () => number;
}

export interface StoreChecks {
  /** Settles when the background check (if any) has its verdict. */
  readonly done: Promise<void>;
  /**
   * A read of the store failed (`what`: which one, e.g. the API channel). SQLITE_CORRUPT /
   * SQLITE_NOTADB, or a stored document that no longer parses, is damage of the file: handled
   * as a check finding it. Other errors are the reader's to report (its caller got them).
   */
  readFailed(error: unknown, what: string): void;
  /**
   * A read came back with fewer rows than the store holds, with no error (`what`: which read,
   * `detail`: what it got): SQLite does not see every damage, and an index that no longer
   * matches its table makes walks end early. Runs the full integrity check in the background
   * (one at a time; after a quick check that is running; none within SUSPICION_CHECK_EVERY_MS,
   * doubling, of a full check without damage); damage it finds is handled as any check's.
   */
  readShort(what: string, detail: string): void;
  /** Stops a running check (the app is closing) and the watch on write faults. */
  close(): void;
}

/** Damage found by a read: the store's health says so (and stops writing) like a failed write. */
function reportReadDamage(health: StoreHealthMonitor, error: unknown, what: string): boolean {
  const info = classifyStoreError(error);
  if (info.cause !== 'damaged') return false;
  health.reportDamage({ ...info, detail: `a read failed (${what}): ${info.detail}` });
  return true;
}

export function startStoreChecks(options: StoreChecksOptions): StoreChecks {
  const { file, startup, ingest, health, log } = options;
  const now = options.now ?? Date.now;
  if (file === null || startup === undefined) {
    return {
      done: Promise.resolve(),
      readFailed: (error, what) => void reportReadDamage(health, error, what),
      // No file to check (a store in memory): the read's caller got what there is.
      readShort: () => undefined,
      close: () => undefined,
    };
  }
  if (startup.movedAside !== null) {
    log(
      `store: WARNING: the database was damaged (${startup.reason ?? 'check failed'}); it was kept ` +
        `aside as ${startup.movedAside} (never deleted) and a new, empty one was started.`,
    );
  }
  let marked = false;
  const mark = (reason: string): void => {
    if (marked) return;
    marked = true;
    markDamaged(file, reason);
  };
  const onFault = (f: StoreFault): void => {
    if (f.cause === 'damaged') mark(f.detail);
  };
  ingest.on('store-fault', onFault);
  if (ingest.fault) onFault(ingest.fault);

  const stop = new AbortController();
  const kind: CheckKind | null = startup.uncleanShutdown
    ? 'full'
    : startup.quickCheckDue
      ? 'quick'
      : null;
  const ctx = { health, ingest, log, mark, now };
  let running: { kind: CheckKind; done: Promise<void> } | null = null;
  // Short reads: a full check after the first, then none for a while after each full check
  // that did not find damage (ok, or no verdict), the wait doubling each time.
  let quietUntil = -Infinity;
  let quietFor = SUSPICION_CHECK_EVERY_MS;
  let pendingShort: string | null = null;
  const start = (kind: CheckKind, why: string): Promise<void> => {
    const check = runCheck(kind, why, file, stop.signal, ctx)
      .catch((error: unknown) => log(`store: the check could not run (${String(error)})`))
      .then(() => {
        running = null;
        if (kind === 'full') {
          quietUntil = now() + quietFor;
          quietFor *= 2;
          pendingShort = null;
        } else if (pendingShort !== null) {
          // The quick check does not compare indexes with their tables: what a short read
          // points to. A short read met while it ran gets the full check now.
          suspect(pendingShort);
        }
      });
    running = { kind, done: check };
    return check;
  };
  const suspect = (why: string): void => {
    if (stop.signal.aborted || health.current.state === 'damaged') return;
    if (running !== null) {
      if (running.kind !== 'full') pendingShort ??= why;
      return;
    }
    if (now() < quietUntil) return;
    void start('full', why);
  };
  const done =
    kind === null ? Promise.resolve() : start(kind, kind === 'full' ? FULL_WHY : QUICK_WHY);
  return {
    done,
    // The file is marked by the store-fault that stopping the writes raises (onFault above).
    readFailed: (error, what) => void reportReadDamage(health, error, what),
    readShort: (what, detail) => suspect(`a read (${what}) ${detail}`),
    close() {
      stop.abort();
      ingest.off('store-fault', onFault);
    },
  };
}

const FULL_WHY = 'the last run did not shut down cleanly';
const QUICK_WHY = 'a big file';
/**
 * After a full check that found no damage, short reads start no other for this long (doubling
 * after each such check): a full check of a big file is minutes of a core and a long read.
 */
export const SUSPICION_CHECK_EVERY_MS = 30 * 60_000;

async function runCheck(
  kind: CheckKind,
  why: string,
  file: string,
  signal: AbortSignal,
  ctx: {
    health: StoreHealthMonitor;
    ingest: IngestPipeline;
    log: (line: string) => void;
    mark: (reason: string) => void;
    now: () => number;
  },
): Promise<void> {
  const what = kind === 'full' ? 'full integrity check' : 'quick check';
  ctx.health.setCheck({ kind, state: 'running', at: ctx.now() });
  ctx.log(`store: ${what} of the database in the background (${why})`);
  const verdict = await checkDatabaseFileInBackground(file, kind, signal);
  if (signal.aborted) return;
  if (verdict.state === 'ok') {
    ctx.log(`store: ${what}: ok`);
  } else if (verdict.state === 'unknown') {
    ctx.log(`store: ${what} could not run (${verdict.reason}); no verdict`);
  } else {
    ctx.mark(verdict.reason);
    // The same words as a write that fails on damage; the detail is the check's finding.
    const info = classifyStoreError(
      Object.assign(new Error(`${what}: ${verdict.reason}`), { errcode: 11 }),
    );
    ctx.health.reportDamage(info);
  }
  ctx.health.setCheck({ kind, state: verdict.state, at: ctx.now() });
}
