/** The storage benchmark's raw node:sqlite baseline. */
import type { CheckinDoc } from '../test/helpers/checkin-schema';
import { openRawCheckins } from './bench-common';

export const RAW_INDEXES: readonly string[][] = [
  ['ticketId'],
  ['gate', 'checkedInAt'],
  ['sessionId', 'checkedInAt'],
  ['deviceId', 'checkedInAt'],
  ['checkedInAt'],
  ['ingestSeq'],
];

/** The baseline: a JSON column plus the same indexes, one transaction per batch. */
export function rawInsert(file: string, docs: readonly CheckinDoc[], batch: number): void {
  const db = openRawCheckins(file, RAW_INDEXES);
  const insert = db.prepare('INSERT INTO checkins (key, data) VALUES (?, ?)');
  for (let start = 0; start < docs.length; start += batch) {
    db.exec('BEGIN IMMEDIATE');
    for (const doc of docs.slice(start, start + batch)) insert.run(doc.key, JSON.stringify(doc));
    db.exec('COMMIT');
  }
  db.close();
}
