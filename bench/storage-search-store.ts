/**
 * The search benchmark's big store: N realistic check-ins (the relay simulator's events,
 * classified by the contract, documents built by the app's one builder `checkInDoc`, as the
 * ingest does) written straight through our storage engine with the app's full-text
 * declaration, in big transactions. Building 1M takes minutes, so the file is cached in the OS
 * temp dir, keyed by generator version, schema version, count and full-text signature; every
 * run works on a copy. A cache of the same check-ins with an older full-text declaration is
 * copied and re-indexed by the storage itself (its background fill), which is quicker than
 * generating again.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRevision, fillWithDefaultSettings, now, randomToken } from 'rxdb';
import { CHECKIN_FULL_TEXT, checkInDoc, checkinsSchema, type CheckInDoc } from '../electron/db';
import { getRxStorageNodeSqlite } from '../electron/storage';
import { fullTextSignature } from '../electron/storage/full-text';
import type { NodeSqliteStorageInstance } from '../electron/storage/sqlite-storage-instance';
import type { NodeSqliteInternals } from '../electron/storage';
import type { CheckInVerdict } from '../shared/contract';
import { fmt } from './bench-common';
import { RealisticMessages } from './storage-fixture';

/** Bump when the generated check-ins change (seed, mix, document builder input). */
export const SEARCH_STORE_GENERATOR = 1;
/** Documents per bulkWrite while building (one transaction each). */
const BUILD_BATCH = 10_000;

export type SearchInstance = NodeSqliteStorageInstance<CheckInDoc>;

/** A storage instance of the app's `checkins` schema in `folder/<name>.sqlite`. */
export async function openCheckins(
  folder: string,
  name: string,
  fullText: boolean,
): Promise<SearchInstance> {
  mkdirSync(folder, { recursive: true });
  const storage = getRxStorageNodeSqlite({ directory: folder });
  return (await storage.createStorageInstance<CheckInDoc>({
    databaseInstanceToken: randomToken(10),
    databaseName: name,
    collectionName: 'checkins',
    schema: fillWithDefaultSettings(checkinsSchema),
    // Every write indexed in its own transaction, as this bench has always measured (a large
    // write otherwise leaves its index rows to a background pass: electron/storage/
    // full-text-pending.ts; bench/ingest measures that).
    options: fullText
      ? { fullText: { ...CHECKIN_FULL_TEXT, deferFrom: Number.POSITIVE_INFINITY } }
      : {},
    multiInstance: false,
    devMode: false,
  })) as unknown as SearchInstance;
}

export function sqlOf(instance: SearchInstance) {
  return (instance.internals as NodeSqliteInternals).connection.db;
}

/** RxDB write rows of `count` realistic check-in documents from `messages`. */
export function realisticRows(messages: RealisticMessages, count: number, token: string) {
  return messages.next(count).map((m) => {
    const v = m.verdict as CheckInVerdict;
    const doc = checkInDoc(v.key, v.fields, JSON.parse(v.text) as Record<string, unknown>);
    return {
      document: {
        ...doc,
        _deleted: false,
        _attachments: {},
        _rev: createRevision(token),
        _meta: { lwt: now() },
      },
    };
  });
}

function cacheName(count: number, signature: string | null): string {
  const base = `gate-ops-search-store-g${SEARCH_STORE_GENERATOR}-s${checkinsSchema.version}-${count}`;
  if (signature === null) return base;
  return `${base}-${createHash('sha256').update(signature).digest('hex').slice(0, 12)}.sqlite`;
}

/**
 * Puts a store of `count` check-ins with the current full-text declaration at
 * `folder/<name>.sqlite` (a copy of the cache; built or re-indexed first when needed).
 */
export async function copySearchStore(
  count: number,
  folder: string,
  name: string,
  log: (line: string) => void,
): Promise<void> {
  const cacheDir = os.tmpdir();
  const wanted = path.join(cacheDir, cacheName(count, fullTextSignature(CHECKIN_FULL_TEXT)));
  if (!existsSync(wanted)) {
    const work = path.join(cacheDir, `gate-ops-search-build-${process.pid}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work);
    try {
      const older = readdirSync(cacheDir).find((f) => f.startsWith(`${cacheName(count, null)}-`));
      const started = performance.now();
      if (older) {
        log(`re-indexing a cached store of ${fmt(count)} (older full-text declaration)…`);
        copyFileSync(path.join(cacheDir, older), path.join(work, 'store.sqlite'));
        const instance = await openCheckins(work, 'store', true);
        await instance.fullTextReady();
        await instance.close();
      } else {
        log(`building a store of ${fmt(count)} check-ins (cached for later runs)…`);
        await build(count, work, log);
      }
      log(`  done in ${fmt((performance.now() - started) / 1000, 1)} s`);
      // Only a finished file gets the cache's name (a killed build leaves no half cache).
      renameSync(path.join(work, 'store.sqlite'), wanted);
      if (older) rmSync(path.join(cacheDir, older), { force: true });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  mkdirSync(folder, { recursive: true });
  copyFileSync(wanted, path.join(folder, `${name}.sqlite`));
}

async function build(count: number, work: string, log: (line: string) => void): Promise<void> {
  const instance = await openCheckins(work, 'store', true);
  const messages = new RealisticMessages();
  const token = randomToken(10);
  for (let stored = 0; stored < count; stored += BUILD_BATCH) {
    const rows = realisticRows(messages, Math.min(BUILD_BATCH, count - stored), token);
    const result = await instance.bulkWrite(rows, 'search-bench-build');
    if (result.error.length) throw new Error(`insert failed: ${result.error[0]!.status}`);
    if ((stored + BUILD_BATCH) % 100_000 === 0) log(`  … ${fmt(stored + BUILD_BATCH)} stored`);
  }
  sqlOf(instance).exec('PRAGMA wal_checkpoint(TRUNCATE)');
  await instance.close(); // the last connection: the WAL is folded into the file
}
