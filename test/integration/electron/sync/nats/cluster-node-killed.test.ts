import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { venueStreamName } from '../../../../../electron/sync/nats/venue-naming';
import {
  checkinIds,
  insertCheckins,
  openLaptop,
  waitForCheckins,
  type Laptop,
} from '../../../../helpers/nats-laptop';
import { startNatsCluster, type NatsCluster } from '../../../../helpers/nats-server';

function connectedPort(l: Laptop): number | null {
  const link = l.sync.status$.value.link;
  return link.state === 'connected' ? Number(link.server.split(':').pop()) : null;
}

describe('NATS sync: 3-node JetStream cluster, stream with 3 replicas', () => {
  let cluster: NatsCluster | null = null;
  const laptops: Laptop[] = [];
  afterEach(async () => {
    await Promise.all(laptops.splice(0).map((l) => l.close()));
    await cluster?.stop();
    cluster = null;
  });

  it('a node SIGKILLed mid-stream: laptops go on through the others, nothing lost or duplicated', async () => {
    cluster = await startNatsCluster({ size: 3 });
    const url = cluster.urls.join(',');
    const a = await openLaptop('a', { url, venue: 'arena', replicas: 3 });
    laptops.push(a);
    await new Promise<void>((resolve) => {
      const sub = a.sync.status$.subscribe((s) => {
        if (s.stream && s.link.state === 'connected') {
          queueMicrotask(() => sub.unsubscribe());
          resolve();
        }
      });
    });
    const b = await openLaptop('b', { url, venue: 'arena', replicas: 3 });
    laptops.push(b);
    const total = 3000;
    const chunk = 250;
    let killed: number | null = null;
    for (let from = 0; from < total; from += chunk) {
      await insertCheckins(from % (2 * chunk) === 0 ? a : b, 'ev-arena', from, from + chunk);
      if (from === 4 * chunk) {
        // Kill the node laptop a is talking to, while both laptops are pushing and pulling.
        const port = connectedPort(a);
        killed = cluster.servers.findIndex((s) => s.port === port);
        expect(killed).toBeGreaterThanOrEqual(0);
        await cluster.servers[killed]!.kill();
      }
    }
    expect(killed).not.toBeNull();
    await Promise.all([waitForCheckins(a, total), waitForCheckins(b, total)]);
    const [ia, ib] = await Promise.all([checkinIds(a), checkinIds(b)]);
    expect(ia).toHaveLength(total);
    expect(ib).toEqual(ia);
    // The stream holds each check-in exactly once, on the surviving nodes.
    const alive = cluster.servers.filter((_, i) => i !== killed).map((s) => s.url);
    const admin = await connect({ servers: alive });
    try {
      const jsm = await jetstreamManager(admin);
      const info = await jsm.streams.info(venueStreamName('arena'));
      expect(info.config.num_replicas).toBe(3);
      const subjects = await jsm.streams.info(venueStreamName('arena'), {
        subjects_filter: 'gateops.arena.checkins.>',
      });
      expect(Object.keys(subjects.state.subjects ?? {})).toHaveLength(total);
      expect(subjects.state.num_subjects).toBeGreaterThanOrEqual(total);
    } finally {
      await admin.close();
    }
    // Both laptops moved to a surviving node.
    expect(connectedPort(a)).not.toBe(cluster.servers[killed!]!.port);
  });
});
