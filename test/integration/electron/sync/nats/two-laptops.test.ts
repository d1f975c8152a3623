import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { docSubject } from '../../../../../electron/sync/nats/venue-naming';
import {
  makeCheckin,
  waitForStatus,
  insertCheckins,
  checkinIds,
  openLaptop,
  waitForCheckins,
  type Laptop,
} from '../../../../helpers/nats-laptop';
import { startNatsServer, type NatsServer } from '../../../../helpers/nats-server';

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

  it('a document breaking the rules in the stream is skipped and counted, the rest syncs', async () => {
    server = await startNatsServer();
    await server.ready();
    const a = await openLaptop('a', { url: server.url, venue: 'v2' });
    laptops.push(a);
    await waitForStatus(a, (s) => s.stream !== null);
    // Another client (a broken or hostile laptop) publishes straight into the venue's stream.
    const nc = await connect({ servers: server.url });
    const js = jetstream(nc);
    const good = makeCheckin('ev', 1);
    const wrongId = { ...makeCheckin('ev', 2), id: makeCheckin('ev', 3).id, _deleted: false };
    const extraField = { ...makeCheckin('ev', 4), admin: true, _deleted: false };
    const deleted = { ...makeCheckin('ev', 5), _deleted: true };
    await js.publish(docSubject('v2', 'checkins', wrongId.id), JSON.stringify(wrongId));
    await js.publish(docSubject('v2', 'checkins', extraField.id), JSON.stringify(extraField));
    await js.publish(docSubject('v2', 'checkins', deleted.id), JSON.stringify(deleted));
    await js.publish(
      docSubject('v2', 'checkins', 'not-its-id'),
      JSON.stringify({ ...good, _deleted: false }),
    );
    await js.publish(docSubject('v2', 'checkins', 'junk'), '{not json');
    await js.publish(
      docSubject('v2', 'checkins', good.id),
      JSON.stringify({ ...good, _deleted: false }),
    );
    await nc.close();
    await waitForCheckins(a, 1);
    const s = await waitForStatus(a, (st) => st.collections['checkins']!.rejected >= 5);
    expect(s.collections['checkins']!.rejected).toBe(5);
    expect(await checkinIds(a)).toEqual([good.id]);
    const log = a.lines.join('\n');
    expect(log).toMatch(/id is not the digest of the dedupe key/);
    expect(log).toMatch(/append-only/);
    expect(log).toMatch(/not JSON/);
    // What is logged names the subject and the reason, never the document's content.
    expect(log).not.toContain('Attendee');
  });
});
