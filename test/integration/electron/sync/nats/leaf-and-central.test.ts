import { afterEach, describe, expect, it } from 'vitest';
import type { NatsSyncStatus } from '../../../../../electron/sync/nats/nats-sync';
import {
  laptopStats,
  startLaptop,
  type LaptopProcess as GateOpsLaptop,
  type SyncLine,
} from '../../../../helpers/laptop-process';
import { startLaptopProcess, type LaptopProcess } from '../../../../helpers/nats-laptop-process';
import { startLeafAndCentral, type LeafAndCentral } from '../../../../helpers/nats-server';
import { tempDir } from '../../../../helpers/relay';

/** The scenario: the venue's uplink is down for a minute. */
const CUT_MS = 60_000;

function asOf(s: NatsSyncStatus | null, venue: string): number | null {
  return s?.venuesSeen.find((v) => v.venue === venue)?.asOf ?? null;
}

/** The same from the operations centre's `gate-ops headless` status line. */
function lineAsOf(s: SyncLine, venue: string): number | null {
  return s.nats?.venues.find((v) => v.venue === venue)?.asOf ?? null;
}

describe('NATS sync: venue leaf nodes and a central cluster', () => {
  let net: LeafAndCentral | null = null;
  const laptops: LaptopProcess[] = [];
  const apps: GateOpsLaptop[] = [];
  const cleanups: Array<() => void> = [];
  afterEach(async () => {
    await Promise.all(laptops.splice(0).map((l) => l.close()));
    await Promise.all(apps.splice(0).map((a) => a.stop()));
    for (const c of cleanups.splice(0)) c();
    await net?.stop();
    net = null;
  });

  it(
    'a venue uplink cut for a minute: the venue keeps syncing, then central has everything and the ops centre shows the union with each venue freshness',
    { timeout: CUT_MS + 120_000 },
    async () => {
      net = await startLeafAndCentral({ venues: ['venue-a', 'venue-b'] });
      const [leafA, leafB] = [net.leaves[0]!, net.leaves[1]!];
      const a1 = startLaptopProcess('a1', { url: leafA.server.url, venue: 'venue-a' });
      const a2 = startLaptopProcess('a2', { url: leafA.server.url, venue: 'venue-a' });
      const b1 = startLaptopProcess('b1', { url: leafB.server.url, venue: 'venue-b' });
      laptops.push(a1, a2, b1);
      // The venue streams exist before the ops centre sources them.
      await Promise.all([a1, a2, b1].map((l) => l.waitForStatus((s) => s.stream !== null)));
      const ops = startLaptopProcess('ops', {
        url: net.central.urls.join(','),
        central: ['venue-a', 'venue-b'],
      });
      laptops.push(ops);
      // The operations centre as the issue names it: Gate Ops itself, no relay of its own.
      const opsDir = tempDir();
      cleanups.push(opsDir.cleanup);
      const opsApp = startLaptop(opsDir.dir, [
        '--no-relay',
        '--laptop-name',
        'ops-centre',
        '--sync-nats',
        net.central.urls.join(','),
        '--sync-nats-central',
        'venue-a,venue-b',
      ]);
      apps.push(opsApp);

      await a1.insertCheckins('ev-a', 0, 200);
      await b1.insertCheckins('ev-b', 0, 150);
      await a1.insertConflict(1);
      // An acknowledgement and a note before the cut, from venue B.
      await b1.insertAck(1);
      await b1.insertNote(1);
      await ops.waitForCheckins(350);
      await ops.waitForConflicts(1);
      await Promise.all([ops.waitForAcks(1), ops.waitForNotes(1)]);
      await opsApp.sync((l) => l.checkins === 350);

      leafA.cutLink();
      const cutAt = Date.now();
      // For a minute, venue A's laptops go on syncing through their leaf node; venue B too.
      let n = 200;
      let nb = 150;
      while (Date.now() - cutAt < CUT_MS) {
        await (n % 40 === 0 ? a1 : a2).insertCheckins('ev-a', n, n + 20);
        n += 20;
        await b1.insertCheckins('ev-b', nb, nb + 5);
        nb += 5;
        await Promise.all([a1.waitForCheckins(n), a2.waitForCheckins(n)]);
        // The scanners' pace (a workload rate, not a wait for a result): ~80 check-ins/s.
        await new Promise((r) => setTimeout(r, 250));
      }
      await a2.insertConflict(2);
      await a1.waitForConflicts(2);
      // During the cut a supervisor at venue A acknowledges an alert and writes in the shift
      // log: the other laptop at the venue gets them through the leaf, central does not yet.
      await a2.insertAck(2);
      await a2.insertNote(2);
      await Promise.all([a1.waitForAcks(1), a1.waitForNotes(1)]);
      expect((await ops.teamDocIds()).acks).toHaveLength(1);
      expect((await ops.teamDocIds()).notes).toHaveLength(1);
      await ops.waitForCheckins(200 + nb);
      // Central has venue B's new check-ins but none of venue A's from during the cut, and says
      // venue A's picture is from before the cut while venue B's is current.
      expect(ops.checkins()).toBe(200 + nb);
      const stale = ops.status();
      expect(asOf(stale, 'venue-a')).not.toBeNull();
      expect(asOf(stale, 'venue-a')!).toBeLessThanOrEqual(cutAt);
      expect(asOf(stale, 'venue-b')!).toBeGreaterThan(cutAt + CUT_MS / 2);
      const staleLine = await opsApp.sync(
        (l) => l.checkins === 200 + nb && (lineAsOf(l, 'venue-b') ?? 0) > cutAt + CUT_MS / 2,
      );
      expect(lineAsOf(staleLine, 'venue-a')).not.toBeNull();
      expect(lineAsOf(staleLine, 'venue-a')!).toBeLessThanOrEqual(cutAt);

      const restoredAt = Date.now();
      leafA.restoreLink();
      await ops.waitForCheckins(n + nb);
      await ops.waitForConflicts(2);
      await Promise.all([ops.waitForAcks(2), ops.waitForNotes(2)]);
      const fresh = await ops.waitForStatus((s) => (asOf(s, 'venue-a') ?? 0) > restoredAt);

      // The union: every check-in of both venues, once.
      const [ia, ia2, ib, iops] = await Promise.all([
        a1.checkinIds(),
        a2.checkinIds(),
        b1.checkinIds(),
        ops.checkinIds(),
      ]);
      expect(ia).toHaveLength(n);
      expect(ia2).toEqual(ia);
      expect(ib).toHaveLength(nb);
      expect(iops).toEqual([...ia, ...ib].sort());
      // Every acknowledgement and note of both venues, once.
      const [ta, tb, tops] = await Promise.all([
        a1.teamDocIds(),
        b1.teamDocIds(),
        ops.teamDocIds(),
      ]);
      expect(ta.acks).toHaveLength(1);
      expect(ta.notes).toHaveLength(1);
      expect(tb.acks).toHaveLength(1);
      expect(tb.notes).toHaveLength(1);
      expect(tops.acks).toEqual([...ta.acks, ...tb.acks].sort());
      expect(tops.notes).toEqual([...ta.notes, ...tb.notes].sort());
      expect(fresh.venuesSeen.map((v) => v.venue)).toEqual(['venue-a', 'venue-b']);
      expect(fresh.venuesSeen[0]!.laptops.map((l) => l.name)).toEqual(['a1', 'a2']);
      expect(fresh.venuesSeen[0]!.laptops[0]!.counts['checkins']).toBeGreaterThan(0);
      // The ops centre only reads: it pushed nothing into the venues' streams.
      expect(fresh.collections['checkins']!.pushed).toBe(0);

      // Gate Ops as the operations centre: the same union, each venue's freshness stated (on its
      // status, in `gate-ops stats`, and every half minute on stderr), nothing pushed.
      await opsApp.sync((l) => l.checkins === n + nb && (lineAsOf(l, 'venue-a') ?? 0) > restoredAt);
      const stats = await laptopStats(opsDir.dir);
      expect(stats['checkins']).toBe(n + nb);
      const natsStats = stats['sync']['nats'];
      expect(natsStats).toMatchObject({ role: 'central', venues: ['venue-a', 'venue-b'] });
      expect(natsStats.collections.checkins.pushed).toBe(0);
      expect(natsStats.venuesSeen.map((v: { venue: string }) => v.venue)).toEqual([
        'venue-a',
        'venue-b',
      ]);
      expect(opsApp.stderr()).toMatch(/No relay link on this laptop/);
      expect(opsApp.stderr()).toMatch(/NATS sync venues: venue-a: as of .*; venue-b: as of /);
      expect(await opsApp.stop()).toBe(0);
    },
  );
});
