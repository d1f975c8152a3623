/**
 * A conflict that arrives over venue sync (any insert that is not ingest's) gets local facts as
 * it commits: it is listed, counted by the activity model and raises the conflict backlog like
 * one from this laptop's relay; one recorded because the hub's version won says so.
 */
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityService } from '../../../../electron/activity/activity-service';
import { ConflictBrowser } from '../../../../electron/activity/quarantine-browser';
import { SeqBacklogs } from '../../../../electron/alerts/seq-backlog';
import {
  checkInDoc,
  conflictDoc,
  localConflicts,
  type LocalConflictRow,
  type Store,
} from '../../../../electron/db';
import { recordResolvedCheckIn } from '../../../../electron/sync/resolved-conflicts';
import { classify, type CheckInVerdict } from '../../../../shared/contract';
import { openMemoryStore } from '../../../helpers/memory-store';
import { checkInEvent, ingest } from '../../../helpers/sync';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function verdict(text: string): CheckInVerdict {
  const v = classify(text);
  if (v.verdict !== 'checkin') throw new Error('not a check-in');
  return v;
}

describe('conflicts from other laptops', () => {
  it('get local facts, are listed and counted, and raise the backlog', async () => {
    const store = await openMemoryStore('cf');
    stores.push(store);
    const { db } = store;
    await ingest(store, [checkInEvent(1), checkInEvent(1, { gate: 'Moved', sequence: '9' })]);
    const activity = await ActivityService.start({ db, snapshotEveryMs: 0 });
    const backlogs = new SeqBacklogs(db, Date.now);
    await backlogs.load();
    expect(activity.conflicts.count).toBe(1);
    await backlogs.acknowledge('conflict', activity.conflicts.lastSeq);

    // Pulled from the hub: a conflict this laptop's relay never sent.
    const stored = verdict(checkInEvent(2));
    const other = verdict(checkInEvent(2, { gate: 'Elsewhere' }));
    const pulled = conflictDoc(other.key, stored.fields.fingerprint, other.fields.fingerprint, {
      ...other.event,
    });
    const recorded = firstValueFrom(
      localConflicts(db).changes$.pipe(
        filter((rows: ReadonlyArray<LocalConflictRow>) => rows.some((r) => r.id === pulled.id)),
      ),
    );
    await db.conflicts.insert(pulled);
    const [row] = await recorded;
    expect(row).toMatchObject({ id: pulled.id, origin: 'peer', relaySeq: null });
    expect(activity.conflicts.count).toBe(2);
    expect(await backlogs.backlog('conflict', activity.conflicts.lastSeq)).toMatchObject({
      unacknowledged: 1,
      firstSeq: row!.seq,
    });

    // This laptop's own version of check-in 3 lost to the hub's.
    const kept = verdict(checkInEvent(3));
    const lost = verdict(checkInEvent(3, { gate: 'Mine' }));
    // What the replication left stored: the hub's version.
    await db.checkins.insert(checkInDoc(kept.key, kept.fields, kept.event));
    const resolvedRecorded = firstValueFrom(
      localConflicts(db).changes$.pipe(filter((rows) => rows.some((r) => r.origin === 'resolved'))),
    );
    const doc = await recordResolvedCheckIn(
      db,
      checkInDoc(lost.key, lost.fields, lost.event),
      checkInDoc(kept.key, kept.fields, kept.event),
    );
    await resolvedRecorded;
    const list = await new ConflictBrowser(db).list({ offset: 0, limit: 10 });
    expect(list.rows.map((r) => [r.id, r.origin])).toEqual([
      [doc!.id, 'resolved'],
      [pulled.id, 'peer'],
      [expect.any(String), 'relay'],
    ]);
    const detail = await new ConflictBrowser(db).get(doc!.id);
    expect(detail.changes).toEqual(['gate: (none) → Mine']);
    // Recording it again (the replication retried) changes nothing.
    await recordResolvedCheckIn(
      db,
      checkInDoc(lost.key, lost.fields, lost.event),
      checkInDoc(kept.key, kept.fields, kept.event),
    );
    expect(await db.conflicts.count().exec()).toBe(3);
    await activity.close();
  });
});
