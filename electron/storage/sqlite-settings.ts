/**
 * The pragmas every database file is opened with, in order. The storage benchmark's plain
 * node:sqlite baseline uses the same list, so both pay for the same durability and pages.
 */
export const SQLITE_PRAGMAS: readonly string[] = [
  // First: only a new, empty file takes it (older files are rebuilt once, see page-size.ts).
  // 16 KiB pages hold a ~1–2 KB check-in row with less slack and fewer page writes than 4 KiB.
  'page_size = 16384',
  'busy_timeout = 5000',
  'journal_mode = WAL',
  // FULL: a COMMIT that returned is on disk, even across a power cut, not only a crash.
  'synchronous = FULL',
  'cache_size = -65536',
  // Checkpoint every ~32 MB of WAL (2,000 pages) instead of SQLite's 1,000 pages: fewer,
  // larger checkpoints. The WAL file is cut back to 64 MB after each.
  'wal_autocheckpoint = 2000',
  'journal_size_limit = 67108864',
];
