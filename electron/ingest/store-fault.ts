/**
 * What a failed commit means for the supervisor: a full disk, a file that cannot be written, an
 * I/O error, a damaged database, or something else; with a sentence that says what to do.
 * node:sqlite errors carry SQLite's result code (`errcode`); RxDB and our storage may wrap them,
 * so the chain of causes is searched too, and the message text is the last resort.
 */
export type StoreFaultCause = 'disk-full' | 'read-only' | 'io' | 'damaged' | 'busy' | 'other';

export interface StoreFaultInfo {
  readonly cause: StoreFaultCause;
  /** What went wrong, in the supervisor's words. */
  readonly what: string;
  /** What to do about it. */
  readonly action: string;
  /** The error text (already free of secrets: storage errors name files, not tokens). */
  readonly detail: string;
}

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

const BY_CODE: Readonly<Record<number, StoreFaultCause>> = {
  [SQLITE_BUSY]: 'busy',
  [SQLITE_LOCKED]: 'busy',
  [SQLITE_READONLY]: 'read-only',
  [SQLITE_IOERR]: 'io',
  [SQLITE_CANTOPEN]: 'io',
  [SQLITE_CORRUPT]: 'damaged',
  [SQLITE_NOTADB]: 'damaged',
  [SQLITE_FULL]: 'disk-full',
};

const BY_TEXT: ReadonlyArray<[RegExp, StoreFaultCause]> = [
  [/disk is full|database or disk is full|ENOSPC|no space left/i, 'disk-full'],
  [/readonly database|read-only|EROFS|EACCES|EPERM/i, 'read-only'],
  [/malformed|not a database|corrupt/i, 'damaged'],
  // A stored document whose JSON no longer parses: damage inside a row's text, which SQLite's
  // page checks cannot see (every stored document was written as valid JSON by the storage).
  [/in JSON at position|is not valid JSON|Unexpected end of JSON input/i, 'damaged'],
  [/disk I\/O error|EIO\b/i, 'io'],
  [/database is locked|SQLITE_BUSY/i, 'busy'],
];

const TEXT: Readonly<Record<StoreFaultCause, { what: string; action: string }>> = {
  'disk-full': {
    what: 'disk full',
    action:
      'Free space on the disk that holds the data folder. Reading from the relay is paused and ' +
      'saving is retried; it resumes by itself, nothing is lost.',
  },
  'read-only': {
    what: 'the database file cannot be written',
    action:
      'Check that the data folder and its files belong to you and are writable (not a read-only ' +
      'disk). Reading from the relay is paused and saving is retried; nothing is lost.',
  },
  io: {
    what: 'the disk reports an input/output error',
    action:
      'The disk may be failing or was unplugged. Reading from the relay is paused and saving is ' +
      'retried; if it goes on, quit Gate Ops and check the disk.',
  },
  damaged: {
    what: 'the database file is damaged',
    action:
      'Gate Ops stopped saving to protect what the file still holds. Quit Gate Ops and start it ' +
      'again: the damaged file is kept aside (never deleted) and the relay sends its history again.',
  },
  busy: {
    what: 'the database is locked by another program',
    action: 'Close other programs that use the data folder. Saving is retried.',
  },
  other: {
    what: 'saving failed',
    action: 'Reading from the relay is paused and saving is retried; nothing is lost.',
  },
};

export function classifyStoreError(error: unknown): StoreFaultInfo {
  const detail = error instanceof Error ? error.message : String(error);
  const cause = causeOf(error);
  return { cause, ...TEXT[cause], detail };
}

function causeOf(error: unknown): StoreFaultCause {
  const seen = new Set<unknown>();
  const texts: string[] = [];
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as {
      errcode?: unknown;
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      parameters?: { error?: unknown };
    };
    if (typeof e.errcode === 'number') {
      const byCode = BY_CODE[e.errcode & 0xff];
      if (byCode !== undefined) return byCode;
    }
    if (typeof e.code === 'string') texts.push(e.code);
    if (typeof e.message === 'string') texts.push(e.message);
    current = e.cause ?? e.parameters?.error;
  }
  if (typeof error === 'string') texts.push(error);
  for (const [pattern, cause] of BY_TEXT) if (texts.some((t) => pattern.test(t))) return cause;
  return 'other';
}
