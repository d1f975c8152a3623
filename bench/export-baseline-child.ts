/**
 * The CSV export benchmark's baseline, in a process of its own: a plain select + join of the
 * same columns our CSV has (the check-in table's JSON and the local facts), values joined by
 * commas with no quoting, times as stored, written through a file stream that is waited on
 * when full. Plain JavaScript with type annotations: Node 24 runs it without tsx.
 *   export-baseline-child.ts SQLITE_FILE OUT_FILE   → prints the row count
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

const [file, out] = process.argv.slice(2);
if (!file || !out) throw new Error('usage: export-baseline-child.ts SQLITE_FILE OUT_FILE');
const db = new DatabaseSync(file, { readOnly: true });
const select = db.prepare(
  `SELECT c.data ->> '$.event.data.check_in_id', c.data ->> '$.ticketId', c.data ->> '$.eventId',
    c.data ->> '$.event.data.event_product_id', c.data ->> '$.event.data.attendee.name',
    c.data ->> '$.event.data.attendee.email', c.data ->> '$.gate', c.data ->> '$.deviceId',
    c.data ->> '$.sessionId', c.data ->> '$.checkedInAt', c.data ->> '$.event.data.occurred_at',
    l.received_at, l.reentry
   FROM "checkins--v1" c JOIN checkin_local l ON l.id = c.id WHERE c.deleted = 0`,
);
select.setReturnArrays(true);
select.setReadBigInts(false);
const stream = createWriteStream(out);
let rows = 0;
let chunk = '';
db.exec('BEGIN');
for (const row of select.iterate() as Iterable<unknown[]>) {
  chunk += `${row.join(',')}\r\n`;
  rows += 1;
  if (rows % 1000 === 0) {
    if (!stream.write(chunk)) await once(stream, 'drain');
    chunk = '';
  }
}
db.exec('COMMIT');
stream.end(chunk);
await once(stream, 'finish');
db.close();
process.stdout.write(`${rows}\n`);
