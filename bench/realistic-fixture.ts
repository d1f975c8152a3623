/**
 * A realistic stored event for the read benchmarks (`stats`, exports): N check-ins of the relay
 * simulator's stadium (its events as the relay sends them, ~850 bytes of JSON each), written by
 * the ingest's own `commitBatch` (documents, local facts, ingest totals, full-text rows) in
 * transactions of 5,000, so the file is what the app itself would hold after a catch-up.
 *
 * Built once per (generator version, N) into the OS temp dir and reused: a 1M store takes many
 * minutes to build. A benchmark that writes into it must work on a copy (`copyFixture`).
 * Bump FIXTURE_VERSION whenever what is written changes (generator, document, storage format).
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_NAME, EMPTY_TOTALS, openStore, type IngestTotals } from '../electron/db';
import { commitBatch } from '../electron/ingest/batch-commit';
import { RealisticMessages } from './storage-fixture';

export const FIXTURE_VERSION = 1;
const BATCH = 5000;
const SEED = 16;

/** The data folder of a ready realistic store of `n` check-ins; builds it when missing. */
export async function realisticFixture(n: number, log: (s: string) => void): Promise<string> {
  const dir = join(tmpdir(), `gate-ops-bench-realistic-v${FIXTURE_VERSION}-${n}`);
  const ready = join(dir, 'READY');
  if (existsSync(ready)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`building the realistic fixture: ${n.toLocaleString('en-US')} check-ins in ${dir} (once)…`);
  const started = Date.now();
  const store = await openStore(dir, DATABASE_NAME);
  const messages = new RealisticMessages(SEED);
  let totals: IngestTotals = EMPTY_TOTALS;
  try {
    while (totals.stored < n) {
      const batch = messages.next(Math.min(BATCH, n - totals.stored));
      totals = (await commitBatch(store.db, store.transaction, batch, totals)).totals;
      if (totals.stored % 100_000 < BATCH) {
        log(
          `  ${totals.stored.toLocaleString('en-US')} (${Math.round((Date.now() - started) / 1000)} s)`,
        );
      }
    }
  } finally {
    await store.close();
  }
  writeFileSync(
    ready,
    `${JSON.stringify({ n, stored: totals.stored, jsonBytes: messages.textBytes, seconds: (Date.now() - started) / 1000 })}\n`,
  );
  log(`fixture built in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
}

/** A fresh copy of a fixture folder for a run that writes (removed by the caller). */
export function copyFixture(dir: string, name: string): string {
  const copy = join(tmpdir(), `gate-ops-bench-${name}-${process.pid}`);
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true });
  return copy;
}
