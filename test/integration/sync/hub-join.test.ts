/**
 * Hub and joining laptop in one process, over real TLS on 127.0.0.1, each on its own store:
 * replication both ways, pairing refusals, and a misbehaving peer cut off alone.
 */
import { randomBytes } from 'node:crypto';
import { Subject, firstValueFrom, filter } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ackDocId, randomDocId } from '../../../electron/db';
import { HubServer, SYNC_PATH } from '../../../electron/sync/hub/hub-server';
import { HubLink, type HubLinkState } from '../../../electron/sync/join/hub-link';
import { Joiner } from '../../../electron/sync/join/joiner';
import { createTlsIdentity, type TlsIdentity } from '../../../electron/sync/pairing/certificate';
import type { JoinCode } from '../../../electron/sync/pairing/join-code';
import { recordResolvedConflicts } from '../../../electron/sync/resolved-conflicts';
import { conflictDoc } from '../../../electron/db';
import { classify } from '../../../shared/contract';
import { checkInDocs, syncDb, type SyncDb } from '../../helpers/sync';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

let tls: TlsIdentity | null = null;
async function identity(): Promise<TlsIdentity> {
  tls ??= await createTlsIdentity('test hub');
  return tls;
}

type Store = { db: SyncDb };
async function store(): Promise<Store> {
  const db = await syncDb();
  cleanups.push(async () => {
    await db.close();
  });
  return { db };
}

async function ingest(s: Store, from: number, to = from): Promise<void> {
  await s.db.checkins.bulkInsert(await checkInDocs(from, to));
}

const idle = {
  relay: 'live',
  simulated: false,
  checkins: 0,
  pending: 0,
  inSyncThrough: null,
} as const;

async function hub(s: Store, logs: string[] = []): Promise<HubServer> {
  const h = await HubServer.start({
    laptopId: randomDocId(),
    name: () => 'Hub laptop',
    tls: await identity(),
    collections: {
      checkins: s.db.checkins,
      acks: s.db.acks,
      notes: s.db.notes,
      conflicts: s.db.conflicts,
    },
    pairing: { secret: randomBytes(16).toString('base64url'), generation: 1, retired: new Map() },
    host: '127.0.0.1',
    port: 0,
    localStatus: () => idle,
    log: (l) => logs.push(l),
  });
  cleanups.push(() => h.close());
  return h;
}

async function join(s: Store, code: JoinCode, name = 'Joined laptop') {
  const link = new HubLink({
    code,
    laptopId: randomDocId(),
    name: () => name,
    backoff: { baseMs: 20, capMs: 100 },
  });
  const joiner = new Joiner({
    link,
    onResolved: recordResolvedConflicts(s.db, () => undefined),
    collections: {
      checkins: s.db.checkins,
      acks: s.db.acks,
      notes: s.db.notes,
      conflicts: s.db.conflicts,
    },
    retryMs: 50,
  });
  cleanups.push(async () => {
    await joiner.stop();
    await link.stop();
  });
  link.start();
  return { link, joiner };
}

function until(link: HubLink, kind: HubLinkState['kind']): Promise<HubLinkState> {
  return firstValueFrom(link.state$.pipe(filter((s) => s.kind === kind)));
}

async function ids(s: Store, c: 'checkins' | 'acks' | 'notes' | 'conflicts'): Promise<string[]> {
  const docs = await s.db[c].find().exec();
  return docs.map((d) => d.primary).sort();
}

describe('venue hub and a joined laptop', () => {
  it('replicates check-ins both ways, and one that reached both is one check-in', async () => {
    const a = await store();
    const b = await store();
    await ingest(a, 1, 3);
    await ingest(b, 3, 4);
    const h = await hub(a);
    const { link, joiner } = await join(b, h.joinCode());
    await until(link, 'live');
    await joiner.awaitInSync();
    expect(await ids(a, 'checkins')).toHaveLength(4);
    expect(await ids(b, 'checkins')).toEqual(await ids(a, 'checkins'));
    // Live: a new check-in on the hub arrives at the laptop.
    await ingest(a, 5);
    await firstValueFrom(b.db.checkins.find().$.pipe(filter((docs) => docs.length === 5)));
    const ack = {
      id: ackDocId('a1', randomDocId()),
      alertId: 'a1',
      laptopId: '',
      author: 'B',
      at: 1,
    };
    ack.laptopId = randomDocId();
    ack.id = ackDocId('a1', ack.laptopId);
    await b.db.acks.insert(ack);
    await firstValueFrom(a.db.acks.find().$.pipe(filter((d) => d.length === 1)));
    expect(h.team().map((m) => [m.name, m.role, m.connected])).toEqual([
      ['Hub laptop', 'hub', true],
      ['Joined laptop', 'joined', true],
    ]);
  });

  it('keeps a check-in the hub replaced as a conflict on the losing laptop; the conflict reaches every laptop once; a forged one cuts its peer', async () => {
    // Made first: only so many collections may be open in one process.
    const [kept] = await checkInDocs(7, 7);
    const [lost] = await checkInDocs(7, 7, () => ({ gate: 'Moved 7' }));
    const [other] = await checkInDocs(8, 8);
    const a = await store();
    const b = await store();
    const c = await store();
    await a.db.checkins.insert(kept!);
    await b.db.checkins.insert(lost!);
    const logs: string[] = [];
    const h = await hub(a, logs);
    const fromB = await join(b, h.joinCode(), 'B');
    // The hub's version wins; B records what it lost, and pushes that conflict to the hub.
    await firstValueFrom(a.db.conflicts.find().$.pipe(filter((d) => d.length === 1)));
    const v = classify(JSON.stringify(lost!.event));
    if (v.verdict !== 'checkin') throw new Error('test event');
    const expected = conflictDoc(v.key, kept!.fingerprint, lost!.fingerprint, v.event);
    await fromB.joiner.awaitInSync();
    expect((await b.db.checkins.findOne(kept!.id).exec())!.toJSON()).toEqual(kept);
    for (const s of [a, b]) {
      expect((await s.db.conflicts.find().exec()).map((d) => d.toJSON())).toEqual([expected]);
    }
    // A laptop that joins later gets it too, once, with the same details.
    const fromC = await join(c, h.joinCode(), 'C');
    await firstValueFrom(c.db.conflicts.find().$.pipe(filter((d) => d.length === 1)));
    await fromC.joiner.awaitInSync();
    expect((await c.db.conflicts.find().exec()).map((d) => d.toJSON())).toEqual([expected]);
    expect(await ids(c, 'checkins')).toEqual([kept!.id]);

    // A peer pushing a conflict not derived from what it says is cut off; the others carry on.
    const evil = new HubLink({ code: h.joinCode(), laptopId: randomDocId(), name: () => 'Forger' });
    cleanups.push(() => evil.stop());
    evil.start();
    await until(evil, 'live');
    const forged = { ...expected, id: randomDocId(), _deleted: false };
    await expect(
      evil.request({ t: 'push', c: 'conflicts', rows: [{ newDocumentState: forged }] }),
    ).rejects.toThrow(/closed/);
    expect(logs.join('\n')).toMatch(/"Forger".*pushed a document that breaks the schema/);
    await a.db.checkins.insert(other!);
    await firstValueFrom(c.db.checkins.find().$.pipe(filter((d) => d.length === 2)));
    expect(await ids(a, 'conflicts')).toEqual([expected.id]);
  });

  it('leaves a laptop’s own pushes out of what it sends back to it, and still moves its checkpoint past them', async () => {
    const a = await store();
    const b = await store();
    const h = await hub(a);
    const fromB = await join(b, h.joinCode(), 'B');
    // Another laptop following the hub's changes (a link without a store of its own).
    const linkC = new HubLink({ code: h.joinCode(), laptopId: randomDocId(), name: () => 'C' });
    cleanups.push(() => linkC.stop());
    linkC.start();
    await until(fromB.link, 'live');
    await until(linkC, 'live');
    await fromB.joiner.awaitInSync();
    const framesToB: number[] = [];
    const framesToC: string[] = [];
    const toC = new Subject<void>();
    fromB.link.changes('checkins').subscribe((f) => framesToB.push(f.documents.length));
    linkC.changes('checkins').subscribe((f) => {
      for (const d of f.documents) framesToC.push(String(d.id));
      toC.next();
    });
    const state = fromB.joiner.replication('checkins')!.internalReplicationState!;
    const downCheckpoints: Array<{ id: string; lwt: number }> = [];
    const downWritten = new Subject<void>();
    state.input.metaInstance.changeStream().subscribe((bulk) => {
      for (const e of bulk.events) {
        const meta = e.documentData as {
          isCheckpoint: string;
          itemId: string;
          checkpointData?: unknown;
        };
        if (meta.isCheckpoint === '1' && meta.itemId === 'down') {
          downCheckpoints.push(meta.checkpointData as { id: string; lwt: number });
          downWritten.next();
        }
      }
    });

    await ingest(b, 1, 5);
    while (framesToC.length < 5) await firstValueFrom(toC);
    const onHub = await a.db.checkins.find().exec();
    const newest = onHub
      .map((d) => ({ id: d.primary, lwt: d.toJSON(true)._meta.lwt }))
      .sort((x, y) => x.lwt - y.lwt || (x.id < y.id ? -1 : 1))
      .at(-1)!;
    // C got B's check-ins in full.
    expect([...framesToC].sort()).toEqual(onHub.map((d) => d.primary).sort());
    // B's replication stored the hub's newest checkpoint (a frame to B carries it; frames to B
    // and to C travel separately, so wait for that, not for C's): nothing to pull back after a
    // restart.
    const reached = () =>
      downCheckpoints.some((cp) => cp.id === newest.id && cp.lwt === newest.lwt);
    while (!reached()) await firstValueFrom(downWritten);
    // B got only checkpoints (frames without documents).
    expect(framesToB.length).toBeGreaterThan(0);
    expect(framesToB.every((n) => n === 0)).toBe(true);
    const pulled = (await fromB.link.request({
      t: 'pull',
      c: 'checkins',
      checkpoint: downCheckpoints.at(-1)!,
      limit: 10,
    })) as { documents: unknown[] };
    expect(pulled.documents).toEqual([]);
  });

  it('refuses a wrong code before any document moves, with a clear reason on both sides', async () => {
    const a = await store();
    const b = await store();
    await ingest(a, 1);
    const logs: string[] = [];
    const h = await hub(a, logs);
    const wrong = { ...h.joinCode(), secret: randomBytes(16).toString('base64url') };
    const { link } = await join(b, wrong);
    const s = await until(link, 'refused');
    expect(s).toMatchObject({ reason: expect.stringMatching(/join code is wrong/) });
    expect(logs.join('\n')).toMatch(/refused: the join code is wrong/);
    expect(await ids(b, 'checkins')).toEqual([]);
  });

  it('refuses a code whose certificate fingerprint is not the hub’s', async () => {
    const a = await store();
    const b = await store();
    const h = await hub(a);
    const other = await createTlsIdentity('impostor');
    const { link } = await join(b, { ...h.joinCode(), fingerprint: other.fingerprint });
    const s = await until(link, 'refused');
    expect(s).toMatchObject({ reason: expect.stringMatching(/certificate does not match/) });
  });

  it('a new code cuts the laptops paired with the old one; the old code is refused as replaced', async () => {
    const a = await store();
    const b = await store();
    const h = await hub(a);
    const old = h.joinCode();
    const { link } = await join(b, old);
    await until(link, 'live');
    await h.rotateCode(randomBytes(16).toString('base64url'));
    const s = await until(link, 'refused');
    expect(s).toMatchObject({ reason: expect.stringMatching(/join code was replaced/) });
    const c = await store();
    const fresh = await join(c, h.joinCode());
    await until(fresh.link, 'live');
  });

  it('cuts a peer that pushes a document breaking the schema, or a malformed frame; others carry on', async () => {
    const a = await store();
    const b = await store();
    const nine = await checkInDocs(9, 9);
    const logs: string[] = [];
    const h = await hub(a, logs);
    const good = await join(b, h.joinCode());
    await until(good.link, 'live');

    // A hand-made peer: pairs properly, then misbehaves.
    const evil = new HubLink({
      code: h.joinCode(),
      laptopId: randomDocId(),
      name: () => 'Evil laptop',
    });
    cleanups.push(() => evil.stop());
    evil.start();
    await until(evil, 'live');
    await expect(
      evil.request({
        t: 'push',
        c: 'notes',
        rows: [{ newDocumentState: { id: 'x', text: 42, _deleted: false } }],
      }),
    ).rejects.toThrow(/closed/);
    expect(logs.join('\n')).toMatch(/"Evil laptop".*pushed a document that breaks the schema/);

    const raw = new WebSocket(`wss://127.0.0.1:${h.port}${SYNC_PATH}`, {
      rejectUnauthorized: false,
    });
    const closed = new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)));
    raw.on('open', () => raw.send('{not json'));
    expect(await closed).toBe(4400);

    // The good laptop is untouched.
    await a.db.checkins.bulkInsert(nine);
    await firstValueFrom(b.db.checkins.find().$.pipe(filter((d) => d.length === 1)));
    expect(good.link.current.kind).toBe('live');
  });
});
