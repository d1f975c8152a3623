/**
 * What a read-only command says about a damaged store: it refuses, names the file and what to do,
 * and never moves or changes anything. Also warns about damaged files an earlier start kept aside,
 * so the supervisor knows the store does not hold what they held.
 */
import { classifyStoreError } from '../ingest';
import { keptAsideFiles, StoreDamagedError } from '../db';
import { EXIT_FAILED } from './io';

/**
 * A read that fails on the file's damage (SQLite says corrupt, or a stored document no longer
 * parses: the check at open cannot see damage inside a document's text) → StoreDamagedError.
 */
export function asDamage(file: string, error: unknown): unknown {
  if (error instanceof StoreDamagedError) return error;
  if (classifyStoreError(error).cause !== 'damaged') return error;
  return new StoreDamagedError(file, error instanceof Error ? error.message : String(error));
}

/** Writes the refusal and returns the exit code; null when `error` is not about damage. */
export function reportDamaged(
  command: string,
  error: unknown,
  stderr: NodeJS.WritableStream,
): number | null {
  if (!(error instanceof StoreDamagedError)) return null;
  stderr.write(`gate-ops ${command}: ${error.message}\n`);
  return EXIT_FAILED;
}

export function warnKeptAside(command: string, file: string, stderr: NodeJS.WritableStream): void {
  const aside = keptAsideFiles(file);
  if (aside.length === 0) return;
  stderr.write(
    `gate-ops ${command}: WARNING: ${aside.length} damaged database file${aside.length === 1 ? ' was' : 's were'} ` +
      `kept aside (${aside.join(', ')}); this store does not hold what ${aside.length === 1 ? 'it' : 'they'} held.\n`,
  );
}
