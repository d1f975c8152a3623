/**
 * The `gate-ops stats` benchmark's baseline, in a process of its own: the same figures by plain
 * node:sqlite on the same file, read-only, in one pass each (per gate/device/session counts of
 * the check-in table, tickets, re-entries, conflicts, quarantine), printed as JSON.
 *   stats-baseline-child.ts FILE
 */
import { DatabaseSync } from 'node:sqlite';

const file = process.argv[2];
if (!file) throw new Error('usage: stats-baseline-child.ts FILE');
const db = new DatabaseSync(file, { readOnly: true });
db.exec('BEGIN');
const groups = db.prepare(
  `SELECT data ->> '$.gate', data ->> '$.deviceId', data ->> '$.sessionId', count(*)` +
    ` FROM "checkins--v1" WHERE deleted = 0 GROUP BY 1, 2, 3`,
);
groups.setReturnArrays(true);
groups.setReadBigInts(false);
const perGate = new Map<string, number>();
const perDevice = new Map<string, number>();
const perSession = new Map<string, number>();
let checkins = 0;
for (const [g, d, s, n] of groups.iterate() as Iterable<[string, string, string, number]>) {
  perGate.set(g, (perGate.get(g) ?? 0) + n);
  perDevice.set(d, (perDevice.get(d) ?? 0) + n);
  perSession.set(s, (perSession.get(s) ?? 0) + n);
  checkins += n;
}
const one = (q: string) => Number(Object.values(db.prepare(q).get()!)[0]);
const out = {
  checkins,
  uniqueTickets: one('SELECT count(*) FROM ticket_first'),
  reentries: one('SELECT count(*) FROM checkin_local WHERE reentry = 1'),
  conflicts: one('SELECT count(*) FROM "conflicts--v0" WHERE deleted = 0'),
  quarantined: one('SELECT count(*) FROM "quarantine--v0" WHERE deleted = 0'),
  perGate: Object.fromEntries(perGate),
  perDevice: Object.fromEntries(perDevice),
  perSession: Object.fromEntries(perSession),
};
db.exec('COMMIT');
db.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
