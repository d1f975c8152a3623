/** Store health: what the banner, the alerts and headless mode's log say when saving fails. */
import { afterEach, expect, it } from 'vitest';
import type { Store, StoreTransaction } from '../../../../electron/db';
import { openMemoryStore } from '../../../helpers/memory-store';
import { IngestPipeline, StoreHealthMonitor } from '../../../../electron/ingest';
import { storeAlerts, storeReasons } from '../../../../shared/domain/store-status';
import { contractExample } from '../../../helpers/events';

let stores: Store[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

function event(n: number): string {
  const e = contractExample();
  e.id = `ticketing.check_in.created:h${n}`;
  e.idempotency_key = `h-${n}`;
  e.sequence = String(n).padStart(12, '0');
  return JSON.stringify(e);
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setImmediate(r));
}

it('says "cannot save — disk full (N check-ins waiting)" once, not once per retry, and when it is over', async () => {
  const store = await openMemoryStore('h');
  stores.push(store);
  let full = true;
  const disk: StoreTransaction = async (fn) => {
    if (full) throw Object.assign(new Error('database or disk is full'), { errcode: 13 });
    return fn();
  };
  const ingest = await IngestPipeline.open({ db: store.db, transaction: disk, retryDelayMs: 1 });
  const lines: string[] = [];
  const health = new StoreHealthMonitor(ingest, { log: (l) => lines.push(l) });
  let faults = 0;
  ingest.on('store-fault', () => faults++);
  for (let i = 1; i <= 12; i++) ingest.push(event(i));
  await until(() => faults >= 5);
  const h = health.current;
  expect(h).toMatchObject({ state: 'cannot-save', cause: 'disk-full', waiting: 12 });
  expect(h.title).toBe('Cannot save — disk full (12 check-ins waiting)');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/CANNOT SAVE — disk full \(12 check-ins waiting/);
  // What the banner and the alerts get from it.
  expect(storeReasons(h)[0]).toMatchObject({ code: 'store', bad: true });
  expect(storeReasons(h)[0]!.text).toMatch(
    /^Cannot save — disk full \(12 check-ins waiting\)\. Free space/,
  );
  expect(storeAlerts(h)).toEqual([
    expect.objectContaining({ kind: 'store-fault', severity: 'critical', since: h.since }),
  ]);

  full = false;
  await until(() => health.current.state === 'ok');
  await ingest.flush();
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/saving again after \d+ s; nothing was lost/);
  expect(storeAlerts(health.current)).toEqual([]);
  expect(ingest.totals.stored).toBe(12);
  health.close();
});
