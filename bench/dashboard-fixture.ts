/**
 * The dashboard benchmark's stored event: N check-ins of a multi-day festival written straight
 * into the app's SQLite database (ingest has its own benchmark), with the ingest state doc that
 * says what is stored, so the app starts on it as on a real data folder. Built once per size
 * under .bench-data/ and reused.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_NAME, INGEST_STATE_ID, openStore } from '../electron/db';
import { storeCheckIns, type CheckInSpec } from '../test/helpers/checkin-docs';

const GATES = 36;
const DEVICES = 150;
/** Three festival days of scans, ending an hour before the run. */
const SPAN_MS = 3 * 24 * 3600_000;

function spec(i: number, n: number, end: number): CheckInSpec & { seq: number } {
  const device = i % DEVICES;
  const gate = `Gate ${String((device % GATES) + 1).padStart(2, '0')}`;
  const checkedInAt = end - SPAN_MS + Math.floor((i / n) * SPAN_MS);
  const reentry = i % 500 === 0 && i > 0;
  return {
    seq: i + 1,
    key: `fixture-${i}`,
    checkInId: `ci-${i}`,
    ticketId: reentry ? `tk-${i - 1}` : `tk-${i}`,
    eventId: 'festival-2026',
    productId: ['day-pass', 'weekend', 'vip', 'staff'][i % 4]!,
    // A device starts a new session every ~4 hours.
    sessionId: `ses-${device}-${Math.floor((checkedInAt - (end - SPAN_MS)) / (4 * 3600_000))}`,
    deviceId: `dev-${String(device).padStart(3, '0')}`,
    gate,
    attendeeName: `Guest ${i}`,
    attendeeEmail: `guest${i}@example.com`,
    checkedInAt,
    occurredAt: checkedInAt,
    receivedAt: checkedInAt + 700,
  };
}

/** The folder of a ready fixture with `n` check-ins; builds it when missing. */
export async function dashboardFixture(
  root: string,
  n: number,
  log: (s: string) => void,
): Promise<string> {
  const dir = join(root, '.bench-data', `dashboard-${n}`);
  const done = join(dir, 'READY');
  if (existsSync(done)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`building the fixture: ${n} check-ins into ${dir} (once)…`);
  const started = Date.now();
  const end = Date.now() - 3600_000;
  const store = await openStore(dir, DATABASE_NAME);
  try {
    const BATCH = 5000;
    for (let start = 0; start < n; start += BATCH) {
      const specs = [];
      for (let i = start; i < Math.min(n, start + BATCH); i++) specs.push(spec(i, n, end));
      await storeCheckIns(store.db, specs);
      if (start % 100_000 === 0 && start > 0)
        log(`  ${start} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    await store.db.state.upsert({
      id: INGEST_STATE_ID,
      value: {
        cursor: null,
        cursorTail: 0,
        ingestSeq: n,
        stored: n,
        redelivered: 0,
        conflicts: 0,
        quarantined: 0,
        skipped: 0,
        reentries: Math.floor((n - 1) / 500),
        lastReceivedAt: end,
      },
      updatedAt: Date.now(),
    });
  } finally {
    await store.close();
  }
  writeFileSync(done, `${n}\n`);
  log(`fixture built in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
}
