/**
 * The hub's store for the venue-sync memory figure: N check-ins written straight into the
 * check-ins collection's storage (RxDB bulkWrite on our SQLite storage, 5,000 a transaction),
 * not through ingest or the network, so a 1M store takes minutes instead of an hour. The
 * documents are the app's own (`checkInDoc` from the relay simulator's events, as the ingest
 * builds them); local facts and ingest totals are not written (the hub's memory with peers is
 * compared with the same hub alone on the same store).
 *
 * Built once per (version, N) into the OS temp dir, in its own process (the builder's heap must
 * not colour the RSS figures): `node --import tsx bench/venue-hub-store.ts N`. A run works on a
 * copy (`venueHubStore` returns a fresh copy).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { now } from 'rxdb';
import { DATABASE_NAME, openStore } from '../electron/db';
import { CapturedCommits, RealisticMessages } from './storage-fixture';

const VERSION = 2;
const BATCH = 5000;

function cacheDir(n: number): string {
  return join(tmpdir(), `gate-ops-bench-venue-hub-v${VERSION}-${n}`);
}

export interface HubStoreCopy {
  readonly dataDir: string;
  /** The replication checkpoint of the newest stored check-in: a laptop in sync holds it. */
  readonly newest: { id: string; lwt: number };
}

/** A fresh copy of the cached hub store of `n` check-ins (built first when missing). */
export function venueHubStore(n: number, copyTo: string, log: (s: string) => void): HubStoreCopy {
  const dir = cacheDir(n);
  if (!existsSync(join(dir, 'READY'))) {
    log(`building the hub store: ${n.toLocaleString('en-US')} check-ins in ${dir} (once)…`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, String(n)], {
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error(`building the hub store failed (${r.status ?? r.signal})`);
  }
  const ready = JSON.parse(readFileSync(join(dir, 'READY'), 'utf8')) as Pick<
    HubStoreCopy,
    'newest'
  >;
  rmSync(copyTo, { recursive: true, force: true });
  cpSync(dir, copyTo, { recursive: true });
  rmSync(join(copyTo, 'READY'), { force: true });
  return { dataDir: copyTo, newest: ready.newest };
}

async function build(n: number): Promise<void> {
  const dir = cacheDir(n);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const store = await openStore(dir, DATABASE_NAME);
  const messages = new RealisticMessages(23);
  const docs = new CapturedCommits();
  const storage = store.db.checkins.storageInstance;
  let written = 0;
  let newest = { id: '', lwt: 0 };
  try {
    while (written < n) {
      const batch = await docs.checkins(messages.next(Math.min(BATCH, n - written)));
      const rows = batch.map((d) => ({
        document: {
          ...d,
          _deleted: false,
          _attachments: {},
          _rev: '1-bench',
          _meta: { lwt: now() },
        },
      }));
      const result = await storage.bulkWrite(rows as never, 'bench-hub-store');
      // The storage stamps a write's lwt itself (one per transaction): the newest change is the
      // largest (lwt, id) of the last batch as stored.
      const stored = await storage.findDocumentsById(
        batch.map((d) => String(d.id)),
        false,
      );
      for (const d of stored) {
        const c = { id: String(d.id), lwt: d._meta.lwt };
        if (c.lwt > newest.lwt || (c.lwt === newest.lwt && c.id > newest.id)) newest = c;
      }
      if (result.error.length > 0)
        throw new Error(`write error: ${JSON.stringify(result.error[0])}`);
      written += batch.length;
      if (written % 100_000 < BATCH) {
        process.stderr.write(
          `  ${written.toLocaleString('en-US')} (${Math.round((Date.now() - started) / 1000)} s)\n`,
        );
      }
    }
  } finally {
    await store.close();
  }
  writeFileSync(
    join(dir, 'READY'),
    `${JSON.stringify({ n, newest, seconds: (Date.now() - started) / 1000 })}\n`,
  );
}

if (process.argv[1] === import.meta.filename) {
  await build(Number(process.argv[2]));
}
