/**
 * A realistic stored event for the benchmarks that need a big store (dashboard start, stats,
 * exports, search, migration targets): N check-ins of the demo venue's simulator (stadium preset,
 * re-entries, late uploads, unknown extra fields; ~850 bytes of JSON each, stamped with a relay
 * sequence as the relay sends them), classified by the contract and written by the ingest's own
 * `commitBatch` straight into the app's store — no websocket, no relay client — in transactions
 * of 5,000. The file then holds what the app holds after ingesting them: v1 documents, local
 * facts (arrival order, re-entries), the full-text index, the ingest state.
 *
 * Built once per fixture version and count into the OS temp dir (a private folder first, renamed
 * into place when complete, so two benchmarks building at once never see half a store) and
 * reused. Never write to the cached folder: `copyRealisticStore` gives a copy of your own.
 *
 *   import { copyRealisticStore } from './realistic-store';
 *   const dir = await copyRealisticStore(1_000_000, join(myTemp, 'data'));  // a data folder
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHECKINS_SCHEMA_VERSION,
  checkinsFullTextReady,
  DATABASE_NAME,
  EMPTY_TOTALS,
  openStore,
} from '../electron/db';
import { commitBatch } from '../electron/ingest/batch-commit';
import { RealisticMessages } from './storage-fixture';

/**
 * Bump when what the fixture holds changes (generator, its mix or clock, the storage's file
 * format, another collection's schema): the cache is keyed by it, the check-in document's
 * schema version and the count. 2: conflicts v1 (stats and export refuse v0 conflicts), JSONB
 * documents, storage format 3 (the version-1 caches were partly format 2).
 */
export const REALISTIC_STORE_VERSION = 2;

/** The simulated scans are 17 ms apart from here (1M check-ins: about 4.7 hours of a venue). */
export const REALISTIC_START = Date.UTC(2026, 4, 5, 14, 0, 0);

const BATCH = 5000;

export interface RealisticStoreInfo {
  /** Check-ins stored (unique: the generator's re-entries are new check-ins of a known ticket). */
  readonly count: number;
  /** Mean JSON bytes of one message as the relay sent it. */
  readonly meanMessageBytes: number;
  /** The ingest cursor after the last message (the relay sequence of a new message follows it). */
  readonly lastSequence: string;
  /** Milliseconds the build took. */
  readonly buildMs: number;
}

/** Where the cached store of `count` check-ins lives (it may not be built yet). */
export function realisticStorePath(count: number): string {
  return join(
    tmpdir(),
    `gate-ops-realistic-store-v${REALISTIC_STORE_VERSION}-doc${CHECKINS_SCHEMA_VERSION}-${count}`,
  );
}

/**
 * The cached data folder of `count` check-ins, built now when missing. Read it, never write it.
 * `dir`: a cache of its own (a bench that needs the store in the storage's newest file format
 * keys its cache by that format).
 */
export async function realisticStore(
  count: number,
  log: (line: string) => void = () => undefined,
  dir = realisticStorePath(count),
): Promise<{ dir: string; info: RealisticStoreInfo }> {
  const ready = join(dir, 'READY.json');
  if (!existsSync(ready)) {
    const building = mkdtempSync(`${dir}.building-`);
    try {
      const info = await build(building, count, log);
      writeFileSync(join(building, 'READY.json'), `${JSON.stringify(info)}\n`);
      try {
        renameSync(building, dir);
      } catch (error) {
        // Someone else finished first: theirs is as good as ours.
        if (!existsSync(ready)) throw error;
        rmSync(building, { recursive: true, force: true });
      }
    } catch (error) {
      rmSync(building, { recursive: true, force: true });
      throw error;
    }
  }
  return { dir, info: JSON.parse(readFileSync(ready, 'utf8')) as RealisticStoreInfo };
}

/** A private copy of the cached store of `count` check-ins at `dest` (a data folder). */
export async function copyRealisticStore(
  count: number,
  dest: string,
  log: (line: string) => void = () => undefined,
): Promise<{ dir: string; info: RealisticStoreInfo }> {
  const { dir, info } = await realisticStore(count, log);
  rmSync(dest, { recursive: true, force: true });
  cpSync(dir, dest, { recursive: true, filter: (path) => !path.endsWith('READY.json') });
  return { dir: dest, info };
}

async function build(
  dir: string,
  count: number,
  log: (line: string) => void,
): Promise<RealisticStoreInfo> {
  log(`building a realistic store of ${count.toLocaleString('en')} check-ins in ${dir} (once)…`);
  const started = performance.now();
  const messages = new RealisticMessages(99, REALISTIC_START);
  const store = await openStore(dir, DATABASE_NAME);
  let totals = EMPTY_TOTALS;
  let lastSequence = '';
  try {
    while (totals.stored < count) {
      const batch = messages.next(Math.min(BATCH, count - totals.stored));
      totals = (await commitBatch(store.db, store.transaction, batch, totals)).totals;
      lastSequence = batch[batch.length - 1]?.sequence ?? lastSequence;
      if (totals.stored % 100_000 < BATCH && totals.stored >= 100_000) {
        const s = Math.round((performance.now() - started) / 1000);
        log(`  ${totals.stored.toLocaleString('en')} (${s} s)`);
      }
    }
    // A fixture with every check-in in the search index (large batches add theirs after).
    await checkinsFullTextReady(store.db);
  } finally {
    await store.close();
  }
  return {
    count: totals.stored,
    meanMessageBytes: Math.round(messages.textBytes / messages.count),
    lastSequence,
    buildMs: Math.round(performance.now() - started),
  };
}
