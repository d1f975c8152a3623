/**
 * A "laptop" for NATS sync tests and benchmarks: its own SQLite store in a temp folder and a
 * NatsSync over the synced collections. Check-ins are written straight into the store the way
 * ingest writes them (the replication only sees the collection).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../electron/db/open-store';
import type { CheckInDoc } from '../../electron/db';
import { ackDocId, checkInDocId, conflictDoc } from '../../electron/db';
import { classify } from '../../shared/contract';
import { checkInEvent } from './sync';
import { specDoc } from './checkin-docs';
import {
  buildNatsSyncConfig,
  type NatsSyncConfigInput,
} from '../../electron/sync/nats/nats-config';
import {
  type NatsSyncOptions,
  type NatsSyncStatus,
  NatsSync,
} from '../../electron/sync/nats/nats-sync';
import { readNatsSecret } from '../../electron/sync/nats/nats-secrets';
import type { SyncCollection } from '../../electron/sync/nats/sync-collection';
import { natsSyncCollections } from '../../electron/sync/nats/nats-sync-collections';

export interface Laptop {
  readonly name: string;
  readonly store: Store;
  readonly sync: NatsSync;
  readonly lines: string[];
  close(): Promise<void>;
}

/** The app's synced collections (check-ins, acknowledgements, notes, conflicts). */
export function syncCollectionsOf(store: Store): SyncCollection[] {
  return natsSyncCollections(store.db);
}

export async function openLaptop(
  name: string,
  input: NatsSyncConfigInput,
  extra: Partial<Omit<NatsSyncOptions, 'config' | 'secret' | 'collections' | 'laptop'>> & {
    env?: NodeJS.ProcessEnv;
    start?: boolean;
  } = {},
): Promise<Laptop> {
  const dir = mkdtempSync(join(tmpdir(), `gate-ops-nats-laptop-${name}-`));
  // One process holds several laptops: RxDB closes a second database of the same name.
  const store = await openStore(dir, `gate-ops-${name}`);
  const config = buildNatsSyncConfig(input);
  const secret = await readNatsSecret(config.auth, extra.env ?? {});
  const lines: string[] = [];
  const sync = new NatsSync({
    presenceIntervalMs: 1000,
    ...extra,
    config,
    secret,
    collections: syncCollectionsOf(store),
    laptop: { id: `laptop-${name}`, name },
    log: (line) => lines.push(line),
  });
  if (extra.start !== false) sync.start();
  return {
    name,
    store,
    sync,
    lines,
    async close() {
      await sync.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A check-in document as ingest stores it, for event `eventId`, number `i`. */
export function makeCheckin(eventId: string, i: number, gate = `Gate ${i % 7}`): CheckInDoc {
  return specDoc({
    key: `${eventId}-ik-${i}`,
    checkInId: `ci-${i}`,
    ticketId: `t-${i % 50_000}`,
    eventId,
    productId: 'GA',
    sessionId: `s-${i % 40}`,
    deviceId: `d-${i % 150}`,
    gate,
    attendeeName: `Attendee ${i}`,
    attendeeEmail: `a${i}@example.com`,
    checkedInAt: Date.UTC(2026, 4, 5, 18, 0, 0) + i * 250,
  });
}

export async function insertCheckins(
  laptop: Laptop,
  eventId: string,
  from: number,
  to: number,
): Promise<void> {
  const docs: CheckInDoc[] = [];
  for (let i = from; i < to; i++) docs.push(makeCheckin(eventId, i));
  for (let i = 0; i < docs.length; i += 2000)
    await laptop.store.db.checkins.bulkInsert(docs.slice(i, i + 2000));
}

/** Resolves once the laptop's store holds `n` check-ins (checked on every change). */
export function waitForCheckins(laptop: Laptop, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sub = laptop.store.db.checkins.count().$.subscribe({
      next: (count) => {
        if (count >= n) {
          queueMicrotask(() => sub.unsubscribe());
          resolve();
        }
      },
      error: reject,
    });
  });
}

export async function checkinIds(laptop: Laptop): Promise<string[]> {
  const docs = await laptop.store.db.checkins.find().exec();
  return docs.map((d) => d.id).sort();
}

/** A conflict record (a second synced collection next to the check-ins), valid as the app's. */
export async function insertConflict(laptop: Laptop, i: number): Promise<void> {
  const v = classify(checkInEvent(1_000_000 + i, { gate: `Conflict gate ${i}` }));
  if (v.verdict !== 'checkin') throw new Error('test event is not a check-in');
  await laptop.store.db.conflicts.insert(
    conflictDoc(v.key, `stored${i}`, v.fields.fingerprint, v.event),
  );
}

/** Resolves with the first status for which `done` holds. */
export function waitForStatus(
  laptop: Laptop,
  done: (s: NatsSyncStatus) => boolean,
): Promise<NatsSyncStatus> {
  return new Promise((resolve) => {
    const sub = laptop.sync.status$.subscribe((s) => {
      if (done(s)) {
        queueMicrotask(() => sub.unsubscribe());
        resolve(s);
      }
    });
  });
}

/** A 22-character laptop id for `name` (the validation requires base64url, 22 characters). */
export function laptopIdOf(name: string): string {
  return checkInDocId(`laptop:${name}`);
}

/** Laptop `laptop` acknowledges alert number `i` (an append-only document, as the app writes). */
export async function insertAck(laptop: Laptop, i: number): Promise<string> {
  const laptopId = laptopIdOf(laptop.name);
  const alertId = `reentry:venue@${Date.UTC(2026, 4, 5, 18) + i * 900_000}`;
  const id = ackDocId(alertId, laptopId);
  await laptop.store.db.acks.insert({
    id,
    alertId,
    laptopId,
    author: laptop.name,
    at: Date.UTC(2026, 4, 5, 18, 30) + i,
  });
  return id;
}

/** Laptop `laptop` writes shift-log note number `i`. */
export async function insertNote(laptop: Laptop, i: number): Promise<string> {
  const id = checkInDocId(`note:${laptop.name}:${i}`);
  await laptop.store.db.notes.insert({
    id,
    laptopId: laptopIdOf(laptop.name),
    author: laptop.name,
    at: Date.UTC(2026, 4, 5, 18, 30) + i,
    gate: `Gate ${i % 7}`,
    text: `Note ${i} from ${laptop.name}: queue at the turnstiles`,
    corrects: '',
  });
  return id;
}

/** The ids of the laptop's acknowledgements and notes, sorted. */
export async function teamDocIds(laptop: Laptop): Promise<{ acks: string[]; notes: string[] }> {
  const [acks, notes] = await Promise.all([
    laptop.store.db.acks.find().exec(),
    laptop.store.db.notes.find().exec(),
  ]);
  return { acks: acks.map((d) => d.id).sort(), notes: notes.map((d) => d.id).sort() };
}
