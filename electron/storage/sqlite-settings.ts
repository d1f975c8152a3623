/**
 * The pragmas every database file is opened with, in order. The storage benchmark's plain
 * node:sqlite baseline uses the same list, so both pay for the same durability.
 */
export const SQLITE_PRAGMAS: readonly string[] = [
  'busy_timeout = 5000',
  'journal_mode = WAL',
  // FULL: a COMMIT that returned is on disk, even across a power cut, not only a crash.
  'synchronous = FULL',
  'cache_size = -65536',
];
