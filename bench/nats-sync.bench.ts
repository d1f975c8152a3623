/**
 * NATS JetStream sync benchmark (issue 13). `npm run bench -- bench/nats-sync.bench.ts`;
 * BENCH_SCALE=0.1 for a quick run, BENCH_SCALE=10 for the issue's full scale (1,000,000).
 *
 * Against one local `nats-server -js` (127.0.0.1, temp store):
 * 1. Initial sync: laptop A holds N check-ins (100,000 at BENCH_SCALE=1) and pushes them into the
 *    venue stream; a new laptop B pulls them all. Documents/s each way, and the stream's bytes per
 *    check-in. Baseline in the same run: the LAN hub (issue 12) itself, a core as the hub holding
 *    the same N check-ins and a new core joining it with the join code over TLS on 127.0.0.1, the
 *    rounds alternating with NATS pulls. Target: NATS pull ≥ 0.5× that. Also printed: the hub's
 *    replication path without its network (RxDB's engine on the storage's replication handler,
 *    in-process), an upper bound for any transport.
 * 2. RxDB's own `replication-nats` plugin on a smaller set (its push makes two requests per
 *    document; its pull is measured too, and its error is printed if the server refuses it).
 * 3. Live propagation A → stream → B at 20 and 200 check-ins/s: p50/p99 from a check-in's arrival
 *    at A (committed as ingest commits: each commit takes what arrived during the previous one) to
 *    the document appearing in B's store. Target p99 < 500 ms.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { rxStorageInstanceToReplicationHandler } from 'rxdb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { startCore, type Core } from '../electron/app';
import { openStore, type CheckInDoc } from '../electron/db';
import { venueStreamName } from '../electron/sync/nats/venue-naming';
import {
  insertCheckins,
  makeCheckin,
  openLaptop,
  waitForCheckins,
  type Laptop,
} from '../test/helpers/nats-laptop';
import { startNatsServer, type NatsServer } from '../test/helpers/nats-server';
import { fmt, percentile, table } from './bench-common';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const N = Math.max(2000, Math.round(100_000 * SCALE));
const PLUGIN_N = Math.max(1000, Math.round(N / 10));
const LIVE_SECONDS = Math.max(5, Math.round(20 * Math.min(1, SCALE)));
const log = (line: string): void => console.log(line);

let venueCounter = 0;
function nextVenue(): string {
  return `bench-${process.pid}-${++venueCounter}`;
}

async function streamState(
  server: NatsServer,
  venue: string,
): Promise<{ messages: number; bytes: number }> {
  const nc = await connect({ servers: server.url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(venueStreamName(venue), { subjects_filter: '' });
    return { messages: info.state.messages, bytes: info.state.bytes };
  } finally {
    await nc.close();
  }
}

async function waitForStream(server: NatsServer, venue: string, n: number): Promise<void> {
  // The stream counts what JetStream stored; polled, as a server has no "count reached" event.
  for (;;) {
    const s = await streamState(server, venue).catch(() => ({ messages: 0, bytes: 0 }));
    if (s.messages >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface InitialSync {
  pushPerS: number;
  /** Best of the rounds each way; rounds alternate so the machine's load hits both alike. */
  natsPullPerS: number;
  lanHubPerS: number;
  hubPathPerS: number;
  rounds: { nats: number; lan: number; hub: number }[];
  bytesPerDoc: number;
  docBytes: number;
}

async function initialSync(server: NatsServer, n: number, rounds: number): Promise<InitialSync> {
  const venue = nextVenue();
  const a = await openLaptop('bench-a', { url: server.url, venue }, { start: false });
  let closed = false;
  try {
    await insertCheckins(a, 'ev-bench', 0, n);
    // The stream holds one message per check-in (and one per laptop's presence).
    const t0 = performance.now();
    a.sync.start();
    await waitForStream(server, venue, n);
    const pushS = (performance.now() - t0) / 1000;
    const state = await streamState(server, venue);
    await a.sync.stop();
    // RxDB's open-source build caps the collections one process may open: A closes here, and
    // the LAN hub's store is the source of the in-process path too.
    await a.close();
    closed = true;
    const lan = await startLanHub(n);
    const results: { nats: number; lan: number; hub: number }[] = [];
    try {
      for (let r = 0; r < rounds; r++) {
        const lanRate = await lan.join(r);
        const nats = await natsPull(server, venue, n);
        const hub = await hubPathInProcess(lan.hub, n);
        results.push({ nats, lan: lanRate, hub });
      }
    } finally {
      await lan.close();
    }
    return {
      pushPerS: n / pushS,
      natsPullPerS: Math.max(...results.map((r) => r.nats)),
      lanHubPerS: Math.max(...results.map((r) => r.lan)),
      hubPathPerS: Math.max(...results.map((r) => r.hub)),
      rounds: results,
      bytesPerDoc: state.bytes / state.messages,
      docBytes: Buffer.byteLength(JSON.stringify(makeCheckin('ev-bench', n >> 1))),
    };
  } finally {
    if (!closed) await a.close();
  }
}

/** A new laptop pulls the venue's stream: docs/s until its store holds all `n`. */
async function natsPull(server: NatsServer, venue: string, n: number): Promise<number> {
  const b = await openLaptop('bench-b', { url: server.url, venue }, { start: false });
  try {
    const t0 = performance.now();
    b.sync.start();
    await waitForCheckins(b, n);
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await b.close();
  }
}

/**
 * The LAN hub of issue 12 as the app runs it: a core in the hub role (TLS websocket on 127.0.0.1)
 * holding the same `n` check-ins, and per round a new core (its own folder and store name, no
 * relay) joining with the hub's code; docs/s until the new laptop holds all `n`.
 */
async function startLanHub(n: number): Promise<{
  readonly hub: Core;
  join(round: number): Promise<number>;
  close(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'gateops-bench-nats-lan-'));
  const hub: Core = await startCore({
    dataDir: join(dir, 'hub'),
    openStore: (d) => openStore(d, 'gateops-bench-lan-hub'),
    noRelay: true,
    relayUrl: null,
    sync: { role: { kind: 'hub', host: '127.0.0.1', port: 0 }, laptopName: () => 'hub' },
    log: () => undefined,
  });
  const docs: CheckInDoc[] = [];
  for (let i = 0; i < n; i++) docs.push(makeCheckin('ev-bench', i));
  for (let i = 0; i < docs.length; i += 2000)
    await hub.db.checkins.bulkInsert(docs.slice(i, i + 2000));
  const code = hub.sync.joinCodeText();
  if (!code) throw new Error('the hub has no join code');
  return {
    hub,
    async join(round) {
      const t0 = performance.now();
      const laptop = await startCore({
        dataDir: join(dir, `join-${round}`),
        openStore: (d) => openStore(d, `gateops-bench-lan-join-${round}`),
        noRelay: true,
        relayUrl: null,
        sync: { role: { kind: 'joined', code }, laptopName: () => `join ${round}` },
        log: () => undefined,
      });
      try {
        await firstValueFrom(laptop.db.checkins.count().$.pipe(filter((c) => c >= n)));
        return n / ((performance.now() - t0) / 1000);
      } finally {
        await laptop.close();
      }
    },
    async close() {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The LAN hub's replication path without its network: RxDB's engine on a new laptop pulling from
 * the hub's storage replication handler (`hub` holds the check-ins).
 */
async function hubPathInProcess(hub: { readonly db: Core['db'] }, n: number): Promise<number> {
  const fresh = await openLaptop(
    'fresh',
    { url: 'nats://127.0.0.1:1', venue: 'x' },
    { start: false },
  );
  try {
    const handler = rxStorageInstanceToReplicationHandler(
      hub.db.checkins.storageInstance,
      hub.db.checkins.conflictHandler,
      hub.db.token,
    );
    const t0 = performance.now();
    const replication = replicateRxCollection({
      replicationIdentifier: 'bench-hub-path',
      collection: fresh.store.db.checkins,
      live: false,
      waitForLeadership: false,
      pull: {
        batchSize: 500,
        handler: async (checkpoint, batchSize) => {
          const r = await handler.masterChangesSince(checkpoint as never, batchSize);
          return { documents: r.documents, checkpoint: r.checkpoint };
        },
      },
    });
    await replication.awaitInitialReplication();
    const s = (performance.now() - t0) / 1000;
    await replication.cancel();
    const count = await fresh.store.db.checkins.count().exec();
    if (count !== n) throw new Error(`hub path pulled ${count} of ${n}`);
    return n / s;
  } finally {
    await fresh.close();
  }
}

/** Our push alone on `n` documents (beside the plugin's push of the same count). */
async function pushOnly(server: NatsServer, n: number): Promise<number> {
  const venue = nextVenue();
  const a = await openLaptop('push-a', { url: server.url, venue }, { start: false });
  try {
    await insertCheckins(a, 'ev-push', 0, n);
    const t0 = performance.now();
    a.sync.start();
    await waitForStream(server, venue, n);
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await a.close();
  }
}

async function rxdbPlugin(server: NatsServer): Promise<{ pushPerS: number; pull: string }> {
  const { replicateNats } = await import('rxdb/plugins/replication-nats');
  const venue = nextVenue();
  const streamName = `PLUGIN_${venue.replace(/-/g, '_').toUpperCase()}`;
  const subjectPrefix = `plugin.${venue}`;
  const a = await openLaptop(
    'plugin-a',
    { url: 'nats://127.0.0.1:1', venue: 'x' },
    { start: false },
  );
  const b = await openLaptop(
    'plugin-b',
    { url: 'nats://127.0.0.1:1', venue: 'x' },
    { start: false },
  );
  try {
    await insertCheckins(a, 'ev-plugin', 0, PLUGIN_N);
    const t0 = performance.now();
    const push = replicateNats({
      replicationIdentifier: 'plugin-push',
      collection: a.store.db.checkins,
      streamName,
      subjectPrefix,
      connection: { servers: server.url },
      live: false,
      waitForLeadership: false,
      push: { batchSize: 500 },
    });
    await push.awaitInitialReplication();
    const pushS = (performance.now() - t0) / 1000;
    await push.cancel();
    let pullResult = '';
    const t1 = performance.now();
    const pull = replicateNats({
      replicationIdentifier: 'plugin-pull',
      collection: b.store.db.checkins,
      streamName,
      subjectPrefix,
      connection: { servers: server.url },
      live: false,
      waitForLeadership: false,
      retryTime: 60_000,
      pull: { batchSize: 500 },
    });
    const firstError = new Promise<string>((resolve) =>
      pull.error$.subscribe((e) =>
        resolve(
          String(
            (e as { parameters?: { errors?: unknown[] } }).parameters?.errors?.[0] ?? e.message,
          ).split('\n')[0]!,
        ),
      ),
    );
    const done = pull.awaitInitialReplication().then(() => 'done');
    const outcome = await Promise.race([done, firstError]);
    if (outcome === 'done') {
      const count = await b.store.db.checkins.count().exec();
      pullResult = `${fmt(count / ((performance.now() - t1) / 1000))} docs/s (${fmt(count)} of ${fmt(PLUGIN_N)} pulled)`;
    } else {
      pullResult = `fails: ${outcome}`;
    }
    await pull.cancel().catch(() => undefined);
    return { pushPerS: PLUGIN_N / pushS, pull: pullResult };
  } finally {
    await a.close();
    await b.close();
  }
}

async function live(
  server: NatsServer,
  rate: number,
): Promise<{ p50: number; p99: number; n: number }> {
  const venue = nextVenue();
  const a = await openLaptop('live-a', { url: server.url, venue });
  const b = await openLaptop('live-b', { url: server.url, venue });
  await Promise.all([a, b].map((l) => waitReady(l)));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const sub = b.store.db.checkins.insert$.subscribe((ev) => {
    const t = sentAt.get(ev.documentId);
    if (t !== undefined) latencies.push(performance.now() - t);
  });
  const total = rate * LIVE_SECONDS;
  // Check-ins arrive at `rate` and are committed the way ingest commits them: each commit takes
  // everything that arrived while the previous one was being written (a commit costs a few ms).
  const queue: CheckInDoc[] = [];
  let produced = 0;
  let wake: (() => void) | null = null;
  const committer = (async () => {
    let committed = 0;
    while (committed < total) {
      if (queue.length === 0) await new Promise<void>((r) => (wake = r));
      const batch = queue.splice(0);
      await a.store.db.checkins.bulkInsert(batch);
      committed += batch.length;
    }
  })();
  const start = performance.now();
  while (produced < total) {
    // Paced by the wall clock: check-in i arrives at start + i/rate.
    const due = start + (produced * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const doc = makeCheckin(`ev-live-${rate}`, produced++);
    sentAt.set(doc.id, performance.now());
    queue.push(doc);
    const w = wake as (() => void) | null;
    wake = null;
    w?.();
  }
  await committer;
  await waitForCheckins(b, total);
  sub.unsubscribe();
  await a.close();
  await b.close();
  const sorted = latencies.sort((x, y) => x - y);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

function waitReady(l: Laptop): Promise<void> {
  return new Promise((resolve) => {
    const sub = l.sync.status$.subscribe((s) => {
      if (s.stream && Object.keys(s.collections).length > 0 && s.link.state === 'connected') {
        queueMicrotask(() => sub.unsubscribe());
        resolve();
      }
    });
  });
}

const server = await startNatsServer({ name: 'bench' });
await server.ready();
try {
  log(
    `\nNATS JetStream sync, ${fmt(N)} check-ins (BENCH_SCALE=${SCALE}), ${server.name} on 127.0.0.1\n`,
  );
  const sync = await initialSync(server, N, 2);
  const small = await pushOnly(server, PLUGIN_N);
  const plugin = await rxdbPlugin(server);
  const hub = sync.lanHubPerS;
  log(
    table([
      ['initial sync (best of 2 alternating rounds)', 'docs/s', 'ratio to LAN hub'],
      ['LAN hub: hub core → joining core over TLS (baseline)', fmt(hub), '1.00'],
      [
        'LAN hub replication path in-process (no network; upper bound)',
        fmt(sync.hubPathPerS),
        fmt(sync.hubPathPerS / hub, 2),
      ],
      ['ours: pull stream → new laptop', fmt(sync.natsPullPerS), fmt(sync.natsPullPerS / hub, 2)],
      ['ours: push laptop → stream', fmt(sync.pushPerS), fmt(sync.pushPerS / hub, 2)],
      [`ours: push, ${fmt(PLUGIN_N)} docs`, fmt(small), fmt(small / hub, 2)],
      [
        `RxDB replication-nats: push, ${fmt(PLUGIN_N)} docs`,
        fmt(plugin.pushPerS),
        fmt(plugin.pushPerS / hub, 2),
      ],
    ]),
  );
  log(
    `rounds (LAN hub / NATS pull / in-process hub path, docs/s): ${sync.rounds.map((r) => `${fmt(r.lan)} / ${fmt(r.nats)} / ${fmt(r.hub)}`).join(', ')}`,
  );
  log(`\nRxDB replication-nats pull: ${plugin.pull}`);
  log(
    `stream bytes per check-in: ${fmt(sync.bytesPerDoc)} (document JSON ${fmt(sync.docBytes)} bytes)`,
  );
  const rows: string[][] = [['live A → stream → B', 'check-ins', 'p50 ms', 'p99 ms', 'target p99']];
  for (const rate of [20, 200]) {
    const r = await live(server, rate);
    rows.push([`${rate}/s for ${LIVE_SECONDS} s`, fmt(r.n), fmt(r.p50, 1), fmt(r.p99, 1), '< 500']);
  }
  log('\n' + table(rows));
} finally {
  await server.stop();
}
