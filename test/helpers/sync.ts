/** Helpers for the venue-sync tests: stores and check-ins made by the real ingest path. */
import { randomUUID } from 'node:crypto';
import { openStore, type Store } from '../../electron/core/open-store';
import { IngestPipeline } from '../../electron/ingest';
import { contractExample } from './events';

/** A fresh store on RxDB's memory storage (a unique name per call). */
export function memoryStore(): Promise<Store> {
  return openStore('', 'memory', `t${randomUUID().replaceAll('-', '')}`);
}

/** The n-th test check-in event as text (optionally a given ticket / gate). */
export function checkInEvent(
  n: number,
  patch: { ticket?: string; gate?: string; sequence?: string; checkedInAt?: string } = {},
): string {
  const e = contractExample();
  e.id = `ticketing.check_in.created:${n}`;
  e.idempotency_key = `key-${n}`;
  e.data.check_in_id = `ci-${n}`;
  e.data.ticket_id = patch.ticket ?? `tkt-${n}`;
  if (patch.gate !== undefined) e.data.gate = patch.gate;
  if (patch.checkedInAt !== undefined) e.data.checked_in_at = patch.checkedInAt;
  e.sequence = patch.sequence ?? String(n).padStart(12, '0');
  return JSON.stringify(e);
}

/** Ingests the events through the real pipeline and waits until they are committed. */
export async function ingest(store: Store, events: readonly string[]): Promise<void> {
  const p = await IngestPipeline.open({ db: store.db, transaction: store.transaction });
  for (const e of events) p.push(e);
  await p.flush();
  await p.close();
}
