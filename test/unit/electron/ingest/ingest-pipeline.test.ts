/** The ingest pipeline on RxDB's memory storage: dedupe, conflicts, re-entries, quarantine, cursor, backpressure. */
import { afterEach, describe, expect, it } from 'vitest';
import { dedupeKey } from '../../../../shared/contract';
import {
  checkInDocId,
  localCheckIns,
  readIngestTotals,
  readStoreStats,
  type Store,
  type StoreTransaction,
} from '../../../../electron/db';
import { openMemoryStore } from '../../../helpers/memory-store';
import { IngestPipeline, type BatchCommitted } from '../../../../electron/ingest';
import { contractExample } from '../../../helpers/events';
import { waitForValue } from '../../../helpers/relay';

let stores: Store[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

async function memoryStore(): Promise<Store> {
  const store = await openMemoryStore('t');
  stores.push(store);
  return store;
}

let seq = 0;
function event(
  n: number,
  patch: { ticket?: string; gate?: string; sequence?: string | null } = {},
): string {
  const e = contractExample();
  e.id = `ticketing.check_in.created:${n}`;
  e.idempotency_key = `key-${n}`;
  e.data.check_in_id = `ci-${n}`;
  e.data.ticket_id = patch.ticket ?? `tkt-${n}`;
  // Scans in the order of their numbers: re-entry goes by check-in time.
  e.data.checked_in_at = new Date(Date.UTC(2026, 4, 5, 12) + n * 1000).toISOString();
  if (patch.gate !== undefined) e.data.gate = patch.gate;
  if (patch.sequence !== null) e.sequence = patch.sequence ?? String(++seq).padStart(12, '0');
  return JSON.stringify(e);
}

/** Resolves once `done()` holds, checking after every turn of the event loop (no clock). */
async function waitFor(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setImmediate(r));
}

function nextSeq(): string {
  return String(++seq).padStart(12, '0');
}

async function pipeline(
  store: Store,
  extra: Partial<Parameters<typeof IngestPipeline.open>[0]> = {},
) {
  const p = await IngestPipeline.open({ db: store.db, transaction: store.transaction, ...extra });
  const batches: BatchCommitted[] = [];
  p.on('batch-committed', (b) => batches.push(b));
  return { p, batches };
}

/** A store transaction whose first commit fails with an I/O error, then works. */
function failingOnce(): StoreTransaction {
  let failures = 1;
  return async (fn) => {
    if (failures-- > 0) throw new Error('disk I/O error');
    return fn();
  };
}

describe('IngestPipeline', () => {
  it('stores each key once, counts redeliveries, flags conflicts and re-entries, within a batch and against the store', async () => {
    const store = await memoryStore();
    const { p, batches } = await pipeline(store);
    p.push(event(1));
    p.push(event(2, { ticket: 'tkt-1' })); // re-entry within the batch
    p.push(event(1)); // redelivery within the batch
    p.push(event(1, { gate: 'Other' })); // conflict within the batch
    await p.flush();
    p.push(event(1)); // redelivery against the store
    p.push(event(2, { gate: 'Elsewhere' })); // conflict against the store
    p.push(event(3, { ticket: 'tkt-1' })); // re-entry against the store
    await p.flush();

    const t = p.totals;
    expect(t).toMatchObject({
      stored: 3,
      redelivered: 2,
      conflicts: 2,
      reentries: 2,
      ingestSeq: 7,
    });
    expect(await store.db.checkins.count().exec()).toBe(3);
    const local = localCheckIns(store.db);
    expect(local.ticketCount()).toBe(1);
    const first = (await store.db.checkins.findOne(checkInDocId('key-1')).exec())!;
    const second = (await store.db.checkins.findOne(checkInDocId('key-2')).exec())!;
    const facts = local.get([first.id, second.id]);
    expect(facts.get(first.id)?.reentry).toBe(false);
    expect(first.gate).toBe('');
    expect(facts.get(second.id)?.reentry).toBe(true);
    expect(second.gate).toBe('');
    const conflicts = await store.db.conflicts.find({ sort: [{ ingestSeq: 'asc' }] }).exec();
    expect(conflicts.map((c) => c.key)).toEqual(['key-1', 'key-2']);
    expect(conflicts[0]!.checkinId).toBe(first.id);
    expect(conflicts[0]!.storedFingerprint).toBe(first.fingerprint);
    expect(JSON.parse(conflicts[1]!.text).data.gate).toBe('Elsewhere');
    // The batch events carry the new docs and the counts.
    expect(batches.flatMap((b) => b.documents.map((d) => dedupeKey(d.event)))).toEqual([
      'key-1',
      'key-2',
      'key-3',
    ]);
    expect(batches.flatMap((b) => b.checkins.map((c) => c.reentry))).toEqual([false, true, true]);
    expect(batches.reduce((n, b) => n + b.counts.redelivered, 0)).toBe(2);
  });

  it("stores an event whose idempotency_key is the text of another event's pair key (no false conflict)", async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    const a = JSON.parse(event(71));
    delete a.idempotency_key;
    a.id = 'pair-1';
    const b = JSON.parse(event(72));
    b.idempotency_key = JSON.stringify([a.source, 'pair-1']);
    p.push(JSON.stringify(a));
    p.push(JSON.stringify(b));
    await p.flush();
    expect(p.totals).toMatchObject({ stored: 2, conflicts: 0, redelivered: 0 });
    expect(await store.db.checkins.count().exec()).toBe(2);
  });

  it("feeds the collections' change streams, so reactive queries see ingested check-ins", async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    const counted = waitForValue(store.db.checkins.count().$, (n) => n === 3);
    const changed = new Set<string>();
    const sub = store.db.checkins.$.subscribe((e) => changed.add(e.documentId));
    p.push(event(61));
    p.push(event(62));
    p.push(event(63));
    await p.flush();
    expect(await counted).toBe(3);
    sub.unsubscribe();
    expect(changed).toEqual(new Set(['key-61', 'key-62', 'key-63'].map(checkInDocId)));
  });

  it('keeps the event as received less the relay stamp, unknown fields included; local facts apart', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    const e = JSON.parse(event(9));
    e.x_extension = { nested: [1, 2] };
    e.data.lane = 4;
    const text = JSON.stringify(e);
    p.push(text, 1234);
    await p.flush();
    const doc = (await store.db.checkins.findOne(checkInDocId('key-9')).exec())!;
    const { sequence, ...rest } = e;
    expect(doc.event).toEqual(rest);
    expect(Object.keys(doc.event)).toEqual(Object.keys(rest));
    const facts = localCheckIns(store.db).get([doc.id]).get(doc.id);
    expect(facts).toMatchObject({ receivedAt: 1234, relaySeq: sequence, origin: 'relay' });
  });

  it('quarantines rejected messages with their text and reasons, and counts skipped ones', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    const bad = JSON.parse(event(5));
    bad.data.checked_in_at = 'not a time';
    p.push(JSON.stringify(bad));
    p.push('{"half a message');
    const huge = JSON.parse(event(6));
    huge.data.notes = 'x'.repeat(70 * 1024);
    const hugeText = JSON.stringify(huge);
    p.push(hugeText);
    p.push(
      JSON.stringify({
        specversion: '1.0',
        id: 'hb-1',
        source: 'cope.devices',
        type: 'device.heartbeat',
        sequence: nextSeq(),
      }),
    );
    await p.flush();
    expect(p.totals).toMatchObject({ quarantined: 3, skipped: 1, stored: 0, ingestSeq: 4 });
    const q = await store.db.quarantine.find({ sort: [{ ingestSeq: 'asc' }] }).exec();
    expect(q.map((d) => d.code)).toEqual(['invalid_timestamp', 'not_json', 'too_large']);
    expect(q[0]!.text).toBe(JSON.stringify(bad));
    expect(q[0]!.sequence).toBe(bad.sequence);
    expect(q[1]!.text).toBe('{"half a message');
    expect(q[2]!.truncated).toBe(true);
    expect(q[2]!.size).toBe(Buffer.byteLength(hugeText));
    expect(hugeText.startsWith(q[2]!.text)).toBe(true);
  });

  it('moves the cursor past a message too large (or not UTF-8) to parse: its sequence is read from the bytes', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    const huge = JSON.parse(event(7));
    huge.data.notes = 'x'.repeat(200 * 1024);
    p.push(new TextEncoder().encode(JSON.stringify(huge)));
    await p.flush();
    expect(p.totals.latest).toBe(huge.sequence);
    const bad = JSON.parse(event(8));
    const bytes = Buffer.from(JSON.stringify(bad).replace('"ci-8"', '"ci-@"'));
    bytes[bytes.indexOf('ci-@') + 3] = 0xff; // a lone 0xff byte: not UTF-8
    p.push(new Uint8Array(bytes));
    await p.flush();
    const q = await store.db.quarantine.find({ sort: [{ ingestSeq: 'asc' }] }).exec();
    expect(q.map((d) => [d.code, d.sequence])).toEqual([
      ['too_large', huge.sequence],
      ['invalid_utf8', bad.sequence],
    ]);
    expect(p.totals).toMatchObject({ cursor: huge.sequence, latest: bad.sequence });
  });

  it('commits the cursor and counters with the batch and resumes from them', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    const texts = [event(20), event(21), '{not json', event(22), 'also not json'];
    for (const t of texts) p.push(t);
    await p.flush();
    const persisted = await readIngestTotals(store.db);
    expect(persisted).toEqual(p.totals);
    // The cursor is the stamp a later one confirmed; the newest is kept as `latest`.
    expect(persisted.cursor).toBe(JSON.parse(texts[1]!).sequence);
    expect(persisted.latest).toBe(JSON.parse(texts[3]!).sequence);

    const again = await IngestPipeline.open({ db: store.db });
    expect(again.resumeCursor()).toBe(persisted.cursor);
    // The relay resumes after the cursor: what followed it comes again first (replays, dropped).
    again.push(texts[3]!);
    again.push('also not json');
    again.push(event(23));
    await again.flush();
    expect(again.totals).toMatchObject({ quarantined: 2, stored: 4, ingestSeq: 6, replayed: 2 });
  });

  it('a bogus sequence never becomes the cursor; it is counted as an anomaly and nothing after it is skipped', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    const s = (n: number) => String(n).padStart(12, '0');
    for (let n = 1; n <= 3; n++) p.push(event(300 + n, { sequence: s(n) }));
    const bogus = JSON.parse(event(304, { sequence: 'zzzz-bogus' }));
    bogus.data.checked_in_at = 'not a time'; // quarantined, and still its sequence is a stamp
    p.push(JSON.stringify(bogus));
    for (let n = 4; n <= 6; n++) p.push(event(300 + n + 1, { sequence: s(n) }));
    await p.flush();
    expect(p.totals.cursor).not.toBe('zzzz-bogus');
    expect(p.totals.cursor! < s(6)).toBe(true);
    expect(p.totals).toMatchObject({ stored: 6, quarantined: 1, sequenceAnomalies: 1 });
    // After a restart the relay is asked for what follows a real stamp, not ?after=zzzz-bogus.
    const again = await IngestPipeline.open({ db: store.db, transaction: store.transaction });
    expect(again.resumeCursor()).toBe(p.totals.cursor);
    expect((await readStoreStats(store.db)).sequenceAnomalies).toBe(1);
  });

  it('counts a replay once: quarantine, skipped, conflicts and redeliveries are exactly-once too', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    const bad = JSON.parse(event(401));
    bad.data.ticket_id = '';
    const other = JSON.stringify({
      specversion: '1.0',
      id: 'hb-9',
      source: 'cope.devices',
      type: 'device.heartbeat',
      sequence: nextSeq(),
    });
    const first = event(402);
    const conflicting = JSON.parse(event(402));
    conflicting.data.gate = 'Elsewhere';
    conflicting.sequence = nextSeq();
    const redelivery = JSON.parse(first);
    redelivery.sequence = nextSeq();
    const stream = [
      JSON.stringify(bad),
      other,
      first,
      JSON.stringify(conflicting),
      JSON.stringify(redelivery),
      'not json at all',
      event(403),
    ];
    for (const t of stream) p.push(t);
    await p.flush();
    const once = { stored: 2, quarantined: 2, skipped: 1, conflicts: 1, redelivered: 1 };
    expect(p.totals).toMatchObject(once);
    // A relay that ignores ?after= sends its whole history again, twice.
    for (const t of [...stream, ...stream]) p.push(t);
    await p.flush();
    expect(p.totals).toMatchObject({ ...once, replayed: 14, sequenceAnomalies: 0 });
    expect(await store.db.quarantine.count().exec()).toBe(2);
    expect(await store.db.conflicts.count().exec()).toBe(1);
    const stats = await readStoreStats(store.db);
    expect(stats).toMatchObject({ quarantined: 2, skipped: 1, conflicts: 1, redeliveries: 1 });
  });

  it("never sends one relay's cursor to another relay", async () => {
    const store = await memoryStore();
    const a = await IngestPipeline.open({
      db: store.db,
      transaction: store.transaction,
      relay: 'wss://a',
    });
    a.push(event(40, { sequence: '000000009000' }));
    a.push(event(41, { sequence: '000000009001' }));
    await a.flush();
    expect(a.totals).toMatchObject({
      cursor: '000000009000',
      latest: '000000009001',
    });
    expect(a.totals.cursorRelay).toMatch(/^wss:\/\/a\/ #/);

    // Switched to relay B (e.g. in settings): its sequences are its own and start low.
    const b = await IngestPipeline.open({
      db: store.db,
      transaction: store.transaction,
      relay: 'wss://b',
    });
    expect(b.resumeCursor()).toBeNull();
    b.push(event(41, { sequence: '000000000001' })); // B also carries one A had: a redelivery
    b.push(event(42, { sequence: '000000000002' }));
    await b.flush();
    expect(b.totals).toMatchObject({
      cursor: '000000000001',
      latest: '000000000002',
      stored: 3,
      redelivered: 1,
    });

    // A crash before B's first commit must not resurrect A's cursor for B either.
    const store2 = await memoryStore();
    const a2 = await IngestPipeline.open({
      db: store2.db,
      transaction: store2.transaction,
      relay: 'wss://a',
    });
    a2.push(event(50, { sequence: '000000009000' }));
    a2.push(event(51, { sequence: '000000009001' }));
    await a2.flush();
    await IngestPipeline.open({ db: store2.db, transaction: store2.transaction, relay: 'wss://b' });
    const reopened = await IngestPipeline.open({
      db: store2.db,
      transaction: store2.transaction,
      relay: 'wss://b',
    });
    expect(reopened.resumeCursor()).toBeNull();
    // Back on A, with nothing committed from B: A's cursor is still good.
    const backOnA = await IngestPipeline.open({
      db: store2.db,
      transaction: store2.transaction,
      relay: 'wss://a',
    });
    expect(backOnA.resumeCursor()).toBe('000000009000');
  });

  it('never stores the credentials of a relay URL with the cursor', async () => {
    const store = await memoryStore();
    const url = 'ws://alice:hunter2@relay.test/events?access_token=Q&venue=north';
    const p = await IngestPipeline.open({
      db: store.db,
      transaction: store.transaction,
      relay: url,
    });
    p.push(event(60));
    p.push(event(61));
    await p.flush();
    const stored = JSON.stringify((await store.db.state.findOne('ingest').exec())!.toJSON());
    for (const secret of ['alice', 'hunter2', 'access_token=Q', 'north']) {
      expect(stored).not.toContain(secret);
    }
    // The same relay with a rotated token is still the same relay; another venue is not.
    const rotated = url.replace('=Q', '=R').replace('hunter2', 'hunter3');
    const same = await IngestPipeline.open({ db: store.db, relay: rotated });
    expect(same.resumeCursor()).toBe(p.totals.cursor);
    const other = await IngestPipeline.open({ db: store.db, relay: url.replace('north', 'south') });
    expect(other.resumeCursor()).toBeNull();
  });

  it('replaces a plain relay URL stored by an earlier version, keeping its cursor', async () => {
    const store = await memoryStore();
    const url = 'ws://alice:hunter2@relay.test/events?access_token=Q';
    await store.db.state.insert({
      id: 'ingest',
      value: { version: 1, cursor: '000000000005', cursorRelay: url, ingestSeq: 5, stored: 5 },
      updatedAt: 1,
    });
    const p = await IngestPipeline.open({
      db: store.db,
      transaction: store.transaction,
      relay: url,
    });
    expect(p.resumeCursor()).toBe('000000000005');
    const stored = JSON.stringify((await store.db.state.findOne('ingest').exec())!.toJSON());
    expect(stored).not.toContain('hunter2');
    expect(stored).toContain('000000000005');
  });

  it('drops nothing as a replay on a relay that does not stamp sequence (reconnect or restart)', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    expect(p.resumeCursor()).toBeNull();
    p.push(event(80, { sequence: null }));
    p.push(event(81, { sequence: null }));
    await p.flush();
    // Reconnect: with no cursor there is nothing to resume after; the relay sends what is new.
    expect(p.resumeCursor()).toBeNull();
    p.push(event(82, { sequence: null }));
    p.push('not json, no sequence either');
    await p.flush();
    expect(p.totals.replayed).toBe(0);
    expect(p.totals).toMatchObject({ stored: 3, quarantined: 1, ingestSeq: 4 });

    const again = await IngestPipeline.open({ db: store.db });
    expect(again.resumeCursor()).toBeNull();
    again.push(event(83, { sequence: null }));
    await again.flush();
    expect(again.totals.replayed).toBe(0);
    expect(again.totals).toMatchObject({ stored: 4, ingestSeq: 5 });
    expect(await store.db.checkins.count().exec()).toBe(4);
  });

  it('a full disk: says so, pauses the relay at once, backs off, and resumes by itself with nothing lost', async () => {
    const store = await memoryStore();
    let full = true;
    let attempts = 0;
    const disk: StoreTransaction = async (fn) => {
      attempts += 1;
      if (full) {
        throw Object.assign(new Error('database or disk is full'), {
          code: 'ERR_SQLITE_ERROR',
          errcode: 13,
        });
      }
      return fn();
    };
    const { p } = await pipeline(store, { transaction: disk, retryDelayMs: 1 });
    const faults: Array<{ cause: string; waiting: number; nextRetryAt: number | null }> = [];
    const delays: number[] = [];
    p.on('store-fault', (f) => {
      faults.push(f);
      delays.push(f.nextRetryAt! - Date.now());
    });
    const recovered = new Promise((resolve) => p.once('store-recovered', resolve));
    let drained = 0;
    p.onDrain(() => drained++);
    // The relay may have sent everything it has already: no push is left to answer "full" to.
    // Told once, with the fault already known (p.fault) and before it is announced.
    const fullAtFault: Array<[number, string | undefined]> = [];
    p.onFull(() => fullAtFault.push([faults.length, p.fault?.cause]));
    for (let i = 0; i < 20; i++) p.push(event(500 + i));
    await waitFor(() => faults.length >= 4);
    expect(fullAtFault).toEqual([[0, 'disk-full']]);
    expect(faults[0]).toMatchObject({ cause: 'disk-full', what: 'disk full', waiting: 20 });
    expect(p.fault?.cause).toBe('disk-full');
    // Far below the high-water mark, and still: stop reading while nothing can be saved.
    expect(p.push(event(520))).toBe(false);
    // Backing off: each wait longer than the one before.
    expect(delays[3]!).toBeGreaterThan(delays[0]!);
    full = false;
    await recovered;
    await p.flush();
    expect(p.fault).toBeNull();
    expect(drained).toBe(1);
    expect(p.totals.stored).toBe(21);
    expect(await store.db.checkins.count().exec()).toBe(21);
    expect(attempts).toBeGreaterThan(3);
  });

  it('a damaged file: stops writing, keeps what waits, and says what to do', async () => {
    const store = await memoryStore();
    const damaged: StoreTransaction = async () => {
      throw Object.assign(new Error('database disk image is malformed'), { errcode: 11 });
    };
    const { p } = await pipeline(store, { transaction: damaged, retryDelayMs: 1 });
    const fault = new Promise<{ cause: string; nextRetryAt: number | null; action: string }>((r) =>
      p.once('store-fault', r),
    );
    let full = 0;
    p.onFull(() => full++);
    p.push(event(600));
    const f = await fault;
    expect(full).toBe(1);
    expect(f).toMatchObject({ cause: 'damaged', nextRetryAt: null });
    expect(f.action).toMatch(/stopped saving/);
    expect(p.push(event(601))).toBe(false);
    expect(p.checkInsQueued()).toBe(2);
    await p.close(); // returns: nothing more is tried on a damaged file
  });

  it('asks the relay to pause above the high-water mark and signals drain', async () => {
    const store = await memoryStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: StoreTransaction = async (fn) => {
      await gate;
      return fn();
    };
    const { p } = await pipeline(store, { transaction: slow, highWater: 50, batchSize: 20 });
    let drained = 0;
    p.onDrain(() => drained++);
    const answers: boolean[] = [];
    for (let i = 0; i < 60; i++) answers.push(p.push(event(100 + i)));
    expect(answers.slice(0, 49).every(Boolean)).toBe(true);
    expect(answers.slice(49).some((a) => a)).toBe(false);
    expect(drained).toBe(0);
    release();
    await p.flush();
    expect(drained).toBe(1);
    expect(p.totals.stored).toBe(60);
    expect(p.push(event(999))).toBe(true);
  });

  it('drops the unsequenced tail a relay replays from its start when there is no cursor yet', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    expect(p.resumeCursor()).toBeNull();
    p.push('garbage before any sequence');
    await p.flush();
    // Reconnect with no `after`: a relay that stamps sequence sends its history from the start.
    expect(p.resumeCursor()).toBeNull();
    p.push('garbage before any sequence');
    p.push(event(85));
    await p.flush();
    expect(p.totals).toMatchObject({ quarantined: 1, stored: 1, replayed: 1 });
  });

  it('bounds the queue by size too: large messages ask the relay to pause long before the count would', async () => {
    const store = await memoryStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: StoreTransaction = async (fn) => {
      await gate;
      return fn();
    };
    const { p } = await pipeline(store, { transaction: slow, highWaterBytes: 1024 * 1024 });
    let drained = 0;
    p.onDrain(() => drained++);
    const big = (n: number): string => {
      const e = JSON.parse(event(n));
      e.data.notes = 'x'.repeat(60 * 1024);
      return JSON.stringify(e);
    };
    const answers: boolean[] = [];
    for (let i = 0; i < 40; i++) answers.push(p.push(big(300 + i)));
    // ~61 KiB each: the 1 MiB mark is passed at the 17th, far below the 10,000-message mark.
    expect(answers.indexOf(false)).toBe(16);
    expect(answers.slice(16).some((a) => a)).toBe(false);
    release();
    await p.flush();
    expect(drained).toBe(1);
    expect(p.totals.stored).toBe(40);
    expect(p.push(event(998))).toBe(true);
  });

  it('lets go of committed messages (the queue holds only what is not yet committed)', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store, { batchSize: 500 });
    for (let i = 0; i < 1500; i++) p.push(event(2000 + i));
    await p.flush();
    expect(p.totals.stored).toBe(1500);
    // White-box: the array behind the queue, where committed messages would stay reachable.
    expect((p as unknown as { queue: unknown[] }).queue).toHaveLength(0);
  });

  it('keeps ingesting when a batch-committed listener throws', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    p.on('batch-committed', () => {
      throw new Error('a dashboard bug');
    });
    const warned = new Promise<string>((resolve) =>
      process.once('warning', (w) => resolve(w.message)),
    );
    p.push(event(70));
    await p.flush();
    p.push(event(71));
    await p.flush();
    expect(await warned).toMatch(/a dashboard bug/);
    expect(p.totals.stored).toBe(2);
  });

  it('calls every listener even when one throws, and survives a throwing commit-error listener', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store, { transaction: failingOnce() });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      p.on('commit-error', () => {
        throw new Error('an error-reporting bug');
      });
      p.on('batch-committed', () => {
        throw new Error('a dashboard bug');
      });
      const seen: number[] = [];
      p.on('batch-committed', (b) => seen.push(b.counts.stored));
      p.push(event(90));
      await p.flush();
      expect(seen).toEqual([1]);
      expect(p.totals.stored).toBe(1);
      await new Promise((r) => setImmediate(r));
      expect(warnings.join('\n')).toMatch(/an error-reporting bug/);
      expect(warnings.join('\n')).toMatch(/a dashboard bug/);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('retries a batch whose commit failed, without losing or double-counting', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store, { transaction: failingOnce() });
    const errors: Error[] = [];
    p.on('commit-error', (e) => errors.push(e));
    p.push(event(40));
    p.push(event(40));
    p.push(event(41));
    await p.flush();
    expect(errors.map((e) => e.message)).toEqual(['disk I/O error']);
    expect(p.totals).toMatchObject({ stored: 2, redelivered: 1, ingestSeq: 3 });
  });

  it('counts gates, devices and sessions whose names are Object.prototype keys', async () => {
    const store = await memoryStore();
    const { p } = await pipeline(store);
    for (const [n, name] of [
      [90, '__proto__'],
      [91, 'constructor'],
      [92, 'toString'],
    ] as const) {
      const e = JSON.parse(event(n));
      e.data.gate = name;
      e.data.device_id = name;
      e.data.scanner_session_id = name;
      p.push(JSON.stringify(e));
    }
    await p.flush();
    const stats = await readStoreStats(store.db);
    for (const counts of [stats.perGate, stats.perDevice, stats.perSession]) {
      expect(Object.entries(counts)).toEqual([
        ['__proto__', 1],
        ['constructor', 1],
        ['toString', 1],
      ]);
    }
  });
});
