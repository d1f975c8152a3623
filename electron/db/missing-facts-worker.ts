/**
 * Finds the stored check-ins that have no local facts, on a worker thread with a read-only
 * connection of its own: the check compares two counts over every row (and lists the ids only
 * when they differ), which at a million stored check-ins took 0.2–0.7 s of the main thread at
 * every start. WAL lets the worker read a consistent snapshot while the app writes; whatever is
 * written after that snapshot is either ingest's (facts in the same transaction) or followed as
 * it is written (local-follower.ts).
 */
import { Worker } from 'node:worker_threads';
import type { CheckInTable } from './checkin-table';

/**
 * The worker's code, run as a script (`eval`): a worker file of its own would need an entry in
 * every bundle that can start the app. Plain CommonJS, node:sqlite only.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const { file, table } = workerData;
const db = new DatabaseSync(file, { readOnly: true });
try {
  db.exec('BEGIN');
  const stored = Number(Object.values(db.prepare('SELECT count(*) FROM ' + table + ' WHERE deleted = 0').get())[0]);
  const known = Number(Object.values(db.prepare('SELECT count(*) FROM checkin_local').get())[0]);
  const ids = stored <= known ? [] : db
    .prepare('SELECT id FROM ' + table + ' WHERE deleted = 0 AND id NOT IN (SELECT id FROM checkin_local)')
    .all()
    .map((r) => String(r.id));
  db.exec('COMMIT');
  parentPort.postMessage({ ids });
} finally {
  db.close();
}
`;

export async function findMissingFacts(
  table: CheckInTable,
  signal: AbortSignal,
): Promise<string[]> {
  const main = (
    table.sql.prepare('PRAGMA database_list').all() as Array<Record<string, unknown>>
  ).find((r) => r['name'] === 'main');
  const file = typeof main?.['file'] === 'string' ? main['file'] : '';
  // An in-memory database (tests) has no file another connection could read: check it here.
  if (file === '') return missingHere(table);
  if (signal.aborted) return [];
  const worker = new Worker(SOURCE, { eval: true, workerData: { file, table: table.table } });
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const abort = (): void => resolve([]);
      signal.addEventListener('abort', abort, { once: true });
      worker.once('message', (m: { ids: string[] }) => resolve(m.ids));
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`the local-facts check stopped (exit code ${code})`)),
      );
    });
  } finally {
    void worker.terminate();
  }
}

function missingHere(table: CheckInTable): string[] {
  const counted = table.sql
    .prepare(`SELECT count(*) AS n FROM ${table.table} WHERE deleted = 0`)
    .get() as { n: number };
  const known = table.sql.prepare('SELECT count(*) AS n FROM checkin_local').get() as {
    n: number;
  };
  if (Number(counted.n) <= Number(known.n)) return [];
  return table.sql
    .prepare(
      `SELECT id FROM ${table.table} WHERE deleted = 0 AND id NOT IN (SELECT id FROM checkin_local)`,
    )
    .all()
    .map((r) => String(r['id']));
}
