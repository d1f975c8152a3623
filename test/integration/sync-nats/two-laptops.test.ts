import { afterEach, describe, expect, it } from 'vitest';
import {
  insertCheckins,
  checkinIds,
  openLaptop,
  waitForCheckins,
  type Laptop,
} from '../../helpers/nats-laptop';
import { startNatsServer, type NatsServer } from '../../helpers/nats-server';

describe('NATS sync: two laptops on one server', () => {
  let server: NatsServer | null = null;
  const laptops: Laptop[] = [];
  afterEach(async () => {
    await Promise.all(laptops.splice(0).map((l) => l.close()));
    await server?.stop();
    server = null;
  });

  it('converge: each ends with every check-in either stored, none twice', async () => {
    server = await startNatsServer();
    await server.ready();
    const a = await openLaptop('a', { url: server.url, venue: 'north-stadium' });
    const b = await openLaptop('b', { url: server.url, venue: 'north-stadium' });
    laptops.push(a, b);
    await insertCheckins(a, 'ev1', 0, 300);
    await insertCheckins(b, 'ev1', 200, 500); // 200..299 reached both laptops
    await Promise.all([waitForCheckins(a, 500), waitForCheckins(b, 500)]);
    const [ia, ib] = await Promise.all([checkinIds(a), checkinIds(b)]);
    expect(ia).toHaveLength(500);
    expect(ib).toEqual(ia);
    // Documents are byte-identical on both laptops.
    const da = await a.store.db.checkins.findByIds(ia.slice(0, 50)).exec();
    const db = await b.store.db.checkins.findByIds(ia.slice(0, 50)).exec();
    for (const id of ia.slice(0, 50)) expect(db.get(id)!.toJSON()).toEqual(da.get(id)!.toJSON());
  });
});
