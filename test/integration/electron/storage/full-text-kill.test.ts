/**
 * SIGKILL at random moments while large writes leave their full-text rows to the background
 * pass and the pass adds them (electron/storage/full-text-pending.ts): after every kill each
 * stored check-in is either in the index or in the waiting list, never both and never neither;
 * the next open adds the rest.
 */
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir } from '../../../helpers/storage';
import { integrityCheck, lastAck, startChild } from '../../../helpers/storage-process';
import { openFullTextDb } from '../../../helpers/storage-child';

const KILLS = 5;
const TABLE = '"people--v0"';

let temp: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  temp = makeTempDir();
  file = path.join(temp.dir, 'ftsdb.sqlite');
});
afterEach(() => temp.cleanup());

function randomDelay(maxMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * maxMs)));
}

type Snapshot = { live: Set<number>; indexed: number[]; waiting: number[] };

function snapshot(): Snapshot {
  const db = new DatabaseSync(file);
  try {
    const rids = (sql: string) =>
      db
        .prepare(sql)
        .all()
        .map((r) => Number(r.rid));
    // FTS5's own check of its structure (a contentless table: the index alone).
    db.exec(`INSERT INTO "people--v0__fts" ("people--v0__fts") VALUES ('integrity-check')`);
    return {
      live: new Set(rids(`SELECT rid FROM ${TABLE} WHERE deleted = 0`)),
      indexed: rids(`SELECT -rowid AS rid FROM "people--v0__fts"`),
      waiting: rids(`SELECT rid FROM "people--v0__fts_pending"`),
    };
  } finally {
    db.close();
  }
}

/** Every live row once, in the index or in the list; nothing else in either. */
function expectEachRowOnce(s: Snapshot): void {
  const seen = [...s.indexed, ...s.waiting];
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBe(s.live.size);
  for (const rid of seen) expect(s.live.has(rid)).toBe(true);
}

it('SIGKILL at any point loses no waiting row and indexes none twice; the next open adds the rest', async () => {
  let acknowledged = 0;
  let sawWaiting = 0;
  let sawIndexed = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const child = startChild([temp.dir, 'full-text-batches', '300']);
    const ready = Number((await child.waitFor('ready ')).slice(6));
    expect(ready).toBeGreaterThanOrEqual(acknowledged);
    // After its first batch (whatever the load), at a random moment: some runs die in a batch,
    // some in the background pass, some between the two.
    await child.waitFor('ack ');
    await randomDelay(500);
    child.process.kill('SIGKILL');
    await child.exited;
    acknowledged = lastAck(child.lines, acknowledged);
    expect(integrityCheck(file)).toBe('ok');
    const s = snapshot();
    expect(s.live.size).toBeGreaterThanOrEqual(acknowledged);
    expectEachRowOnce(s);
    if (s.waiting.length > 0) sawWaiting++;
    // Rows the pass added: more than the small batches' two a round.
    if (s.indexed.length > (s.live.size / 302) * 2 + 2) sawIndexed++;
  }
  expect(acknowledged).toBeGreaterThan(0);

  // The next open adds what waits, in the background.
  const db = await openFullTextDb(temp.dir);
  try {
    const instance = ownInstance(db.people.storageInstance);
    await instance.fullTextReady();
    const ticket = (await db.people.findOne().exec())!.ticketId;
    const found = instance.fullTextSearch({ text: ticket, limit: 10 });
    expect(found.documents.map((d) => d.ticketId)).toContain(ticket);
    expect(found).toMatchObject({ index: 'complete', notIndexed: 0 });
  } finally {
    await db.close();
  }
  const after = snapshot();
  expectEachRowOnce(after);
  expect(after.waiting).toEqual([]);
  // Reported, not asserted (kill moments are random): how often a kill found rows waiting.
  console.log(
    `full-text kill test: ${sawWaiting} of ${KILLS} kills left rows waiting; ` +
      `after ${sawIndexed} the pass had added rows`,
  );
}, 180_000);

type Own = {
  fullTextReady(): Promise<void>;
  fullTextSearch(q: object): {
    documents: { ticketId: string }[];
    index: string;
    notIndexed: number;
  };
};

/** The storage's own instance under RxDB's wrappers. */
function ownInstance(instance: unknown): Own {
  let current = instance as Partial<Own> & { originalStorageInstance?: unknown };
  for (let depth = 0; depth < 8 && typeof current.fullTextReady !== 'function'; depth++) {
    current = current.originalStorageInstance as typeof current;
  }
  return current as Own;
}
