/**
 * One side of the migration benchmark, in a process of its own (so its peak RSS is its own):
 *   migration-child.ts ours DATA_DIR   the app opens a v0 data folder and migrates it to v1,
 *                                      printing `progress DONE TOTAL` and then `opened COUNT`;
 *   migration-child.ts raw DATA_DIR    the baseline: plain node:sqlite reads every v0 row, parses
 *                                      it, and writes the v1 document's fields and the local
 *                                      facts into plain tables with the same indexes, batches of
 *                                      the same size, one transaction each.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore } from '../electron/db';

const [mode, dir] = process.argv.slice(2);
if ((mode !== 'ours' && mode !== 'raw') || !dir) {
  throw new Error('usage: migration-child.ts ours|raw DATA_DIR');
}
const BATCH = 2000;

if (mode === 'ours') {
  const store = await openStore(dir, 'gate-ops', {
    migration: {
      batchSize: BATCH,
      onProgress: (p) => process.stdout.write(`progress ${p.done} ${p.total}\n`),
    },
  });
  process.stdout.write(`opened ${await store.db.checkins.count().exec()}\n`);
  await store.close();
} else {
  const db = new DatabaseSync(join(dir, 'gate-ops.sqlite'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536');
  db.exec(
    'CREATE TABLE v1 (id TEXT PRIMARY KEY, ticketId TEXT, checkedInAt INTEGER, gate TEXT,' +
      ' deviceId TEXT, sessionId TEXT, eventId TEXT, nameLower TEXT, emailLower TEXT,' +
      ' fingerprint TEXT, event TEXT)',
  );
  const indexes = [
    'checkedInAt',
    'ticketId',
    'nameLower',
    'emailLower',
    'gate, checkedInAt',
    'sessionId, checkedInAt',
    'deviceId, checkedInAt',
    'eventId, checkedInAt',
  ];
  indexes.forEach((columns, i) => db.exec(`CREATE INDEX v1_ix${i} ON v1 (${columns})`));
  db.exec(
    'CREATE TABLE local (seq INTEGER PRIMARY KEY, id TEXT, received_at INTEGER, relay_seq TEXT)',
  );
  const read = db.prepare(
    'SELECT rowid AS r, json(data) AS data FROM "checkins--v0" WHERE rowid > ? AND deleted = 0 ORDER BY rowid LIMIT ?',
  );
  read.setReadBigInts(false);
  const insert = db.prepare('INSERT INTO v1 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const fact = db.prepare('INSERT INTO local VALUES (?, ?, ?, ?)');
  let after = 0;
  let done = 0;
  for (;;) {
    const rows = read.all(after, BATCH) as { r: number; data: string }[];
    if (rows.length === 0) break;
    db.exec('BEGIN IMMEDIATE');
    for (const row of rows) {
      const old = JSON.parse(row.data) as Record<string, unknown>;
      const event = JSON.parse(String(old['raw'])) as Record<string, unknown>;
      delete event['sequence'];
      insert.run(
        String(old['id']),
        String(old['ticketId']),
        Number(old['checkedInAt']),
        String(old['gate']),
        String(old['deviceId']),
        String(old['sessionId']),
        String(old['eventId']),
        String(old['nameLower']),
        String(old['emailLower']),
        String(old['fingerprint']),
        JSON.stringify(event),
      );
      fact.run(
        Number(old['ingestSeq']),
        String(old['id']),
        Number(old['receivedAt']),
        (old['sequence'] as string | undefined) ?? null,
      );
    }
    db.exec('COMMIT');
    after = rows[rows.length - 1]!.r;
    done += rows.length;
  }
  db.close();
  process.stdout.write(`opened ${done}\n`);
}
