/**
 * Venue sync as a laptop runs it (VenueSync: identity, role, hub server or link + replications),
 * two laptops in one process over real TLS on 127.0.0.1, each on its own store: a laptop that
 * joins late catches up a few thousand stored check-ins (several pull batches, while new ones
 * keep arriving on the hub), and a hub whose store is closed under it stops instead of
 * answering every pull with an error while its laptops retry with the link shown live.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { VenueSync } from '../../../electron/sync/venue-sync';
import type { SyncRole } from '../../../electron/sync/sync-identity';
import { checkInDocs, syncDb, type SyncDb } from '../../helpers/sync';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function laptop(name: string, role: SyncRole, logs: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'gateops-venue-sync-'));
  const db = await syncDb();
  const sync = await VenueSync.start({
    dataDir: dir,
    collections: { checkins: db.checkins, acks: db.acks, notes: db.notes },
    laptopName: () => name,
    local: () => ({ relay: 'none', simulated: false, checkins: () => db.checkins.count().exec() }),
    role,
    statusEveryMs: 200,
    log: (l) => logs.push(l),
  });
  cleanups.push(async () => {
    await sync.close();
    if (!db.closed) await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, sync, logs };
}

const HUB: SyncRole = { kind: 'hub', host: '127.0.0.1', port: 0 };

async function ids(db: SyncDb): Promise<string[]> {
  return (await db.checkins.find().exec()).map((d) => d.primary).sort();
}

function count(db: SyncDb, n: number): Promise<unknown> {
  return firstValueFrom(db.checkins.count().$.pipe(filter((c) => c >= n)));
}

describe('venue sync of a laptop that joins late', () => {
  it('catches up a few thousand stored check-ins while new ones arrive on the hub', async () => {
    const stored = await checkInDocs(1, 3000);
    const later = await checkInDocs(3001, 3100);
    const hub = await laptop('Hub', HUB);
    await hub.db.checkins.bulkInsert(stored);
    const late = await laptop('Late laptop', { kind: 'joined', code: hub.sync.joinCodeText()! });
    // New check-ins reach the hub in small commits while the late laptop is still pulling.
    for (let i = 0; i < later.length; i += 10) {
      await hub.db.checkins.bulkInsert(later.slice(i, i + 10));
    }
    await count(late.db, 3100);
    await late.sync.awaitInSync();
    expect(await ids(late.db)).toEqual(await ids(hub.db));
    expect(await ids(late.db)).toHaveLength(3100);
    // The late laptop's status says it is in sync through the hub's newest change.
    const status = await firstValueFrom(
      late.sync.status$.pipe(filter((s) => s.checkins === 3100 && s.inSyncThrough !== null)),
    );
    expect(status.link?.state).toBe('live');
    expect(status.pending).toBe(0);
  });

  it('a hub whose store is closed under it stops, and its laptops see it leave', async () => {
    const hub = await laptop('Hub', HUB);
    await hub.db.checkins.bulkInsert(await checkInDocs(1, 5));
    const late = await laptop('Late laptop', { kind: 'joined', code: hub.sync.joinCodeText()! });
    await count(late.db, 5);
    await hub.db.close();
    expect(hub.logs.join('\n')).toMatch(
      /venue sync: stopped, because this laptop's store was closed/,
    );
    const down = await firstValueFrom(
      late.sync.status$.pipe(filter((s) => s.link?.state === 'down')),
    );
    expect(down.link?.reason).toBeTruthy();
  });
});
