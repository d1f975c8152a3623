/** Helpers for relay and ingest tests: temp folders, waiting on signals, reading a store back. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { checkInDocId, type GateOpsDatabase } from '../../electron/db';
import { dedupeKey } from '../../shared/contract';
import type { BatchCommitted, IngestPipeline } from '../../electron/ingest';
import type { Ledger } from '../../electron/demo-venue';

export const TOKEN = 'test-token-0123456789';

/** A fresh temp folder; removed by the returned cleanup. */
export function tempDir(prefix = 'gate-ops-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves with the first committed batch for which `done` holds. */
export function waitForCommit(
  ingest: IngestPipeline,
  done: (b: BatchCommitted) => boolean,
): Promise<BatchCommitted> {
  return new Promise((resolve) => {
    const listener = (b: BatchCommitted): void => {
      if (done(b)) {
        ingest.off('batch-committed', listener);
        resolve(b);
      }
    };
    ingest.on('batch-committed', listener);
  });
}

/** Resolves with the first value of `source` for which `done` holds. */
export function waitForValue<T>(source: Observable<T>, done: (v: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const sub = source.subscribe((v) => {
      if (done(v)) {
        queueMicrotask(() => sub.unsubscribe());
        resolve(v);
      }
    });
  });
}

/** Dedupe key → fingerprint of every stored check-in. */
export async function storedFingerprints(db: GateOpsDatabase): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let after = '';
  for (;;) {
    const page = await db.checkins
      .find({ selector: { id: { $gt: after } }, sort: [{ id: 'asc' }], limit: 5000 })
      .exec();
    for (const d of page) {
      const key = dedupeKey(d.event);
      if (key === null) throw new Error(`stored event without a key: ${d.id}`);
      if (out.has(key)) throw new Error(`key stored twice: ${key}`);
      if (checkInDocId(key) !== d.id) throw new Error(`id ${d.id} is not the key's: ${key}`);
      out.set(key, d.fingerprint);
    }
    if (page.length < 5000) return out;
    after = page[page.length - 1]!.id;
  }
}

/** What the ledger says the ingest totals must be after every message was consumed once. */
export function expectedTotals(ledger: Ledger): Record<string, number> {
  return {
    ingestSeq: ledger.total,
    stored: ledger.unique.size,
    redelivered: ledger.redeliveries,
    conflicts: ledger.conflicts,
    quarantined: ledger.invalid,
    skipped: ledger.otherType,
    reentries: ledger.reentries,
  };
}

export function pickTotals(t: object): Record<string, unknown> {
  const keys = [
    'ingestSeq',
    'stored',
    'redelivered',
    'conflicts',
    'quarantined',
    'skipped',
    'reentries',
  ];
  return Object.fromEntries(keys.map((k) => [k, (t as Record<string, unknown>)[k]]));
}
