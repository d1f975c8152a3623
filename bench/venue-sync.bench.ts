/**
 * Venue sync benchmark (issue 12). `npm run bench -- bench/venue-sync.bench.ts`; BENCH_SCALE=0.1
 * for a quick run. All over real TLS on 127.0.0.1:
 * - initial sync of N stored check-ins (100,000 × scale) hub → a new laptop: documents/s, bytes
 *   on the wire per check-in, and the ratio to the relay catch-up rate of the same N measured
 *   in this run (the baseline: filling the hub from the relay simulator through ingest);
 * - live propagation relay → A → hub → C at 20 and 200 check-ins/s: p50/p99 from the relay
 *   sending an event to C holding it (A is a `gate-ops headless` child; hub and C in here);
 * - hub memory (RSS) with 10 simulated peers (each pulls the whole store and follows the
 *   change stream, as a joined laptop does) and N stored, against the hub alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, filter, skip } from 'rxjs';
import { startCore, type Core } from '../electron/app';
import { openStore, randomDocId, type OpenStore } from '../electron/db';
import { startRelaySimulator } from '../electron/demo-venue';
import { HubLink } from '../electron/sync/join/hub-link';
import { parseJoinCode } from '../electron/sync/pairing/join-code';
import { startLaptop } from '../test/helpers/laptop-process';
import { TOKEN } from '../test/helpers/relay';
import { fmt, percentile, table } from './bench-common';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.max(2000, Math.round(100_000 * SCALE));
const HUB_ROLE = { kind: 'hub', host: '127.0.0.1', port: 0 } as const;

const dir = mkdtempSync(join(tmpdir(), 'gateops-bench-sync-'));
const rows: string[][] = [['figure', 'value', 'baseline', 'ratio']];
const progress = (what: string) => process.stderr.write(`venue-sync bench: ${what}\n`);
/**
 * Each core in this process opens its store under its own RxDB name: the app opens its store
 * with `closeDuplicates`, so a second core with the same name would close the first one's
 * store (each laptop of a real venue is its own process).
 */
const storeNamed =
  (name: string): OpenStore =>
  (dataDir) =>
    openStore(dataDir, name);

/**
 * Relay → one laptop (in this process, ingest only), `total` events generated at `rate` once it
 * is connected: sent → stored latencies, sorted.
 */
async function liveIngestOnly(rate: number, total: number): Promise<number[]> {
  const relay = await startRelaySimulator({
    token: TOKEN,
    seed: 7 + rate,
    mix: { redelivery: 0, invalid: 0, otherType: 0, conflict: 0, oversize: 0 },
  });
  const connected = new Promise<void>((resolve) => relay.once('connection', () => resolve()));
  const sentAt = new Map<string, number>();
  let recorded = 0;
  relay.on('appended', (n: number) => {
    const now = performance.now();
    for (let i = recorded; i < n; i++) {
      const text = relay.history.at(i);
      if (text) sentAt.set((JSON.parse(text) as { id: string }).id, now);
    }
    recorded = n;
  });
  const core = await startCore({
    dataDir: join(dir, `ingest-only-${rate}`),
    openStore: storeNamed('gateops-ingest-only'),
    relayUrl: relay.url,
    token: TOKEN,
  });
  const latencies: number[] = [];
  let allStored = (): void => undefined;
  const stored = new Promise<void>((resolve) => (allStored = resolve));
  const sub = core.db.checkins.storageInstance.changeStream().subscribe((bulk) => {
    const now = performance.now();
    for (const e of bulk.events) {
      const at = sentAt.get(cloudEventId(e.documentData));
      if (at !== undefined) latencies.push(now - at);
    }
    if (recorded >= total && latencies.length >= relay.ledger.unique.size) allStored();
  });
  await connected;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      if (due > recorded) relay.generate(due - recorded);
      if (recorded >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  await stored;
  sub.unsubscribe();
  await core.close();
  await relay.stop();
  return latencies.sort((x, y) => x - y);
}

/** The CloudEvents id of a stored check-in: a field in the v0 document, in `event` from v1 on. */
function cloudEventId(doc: unknown): string {
  const d = doc as { ceId?: string; event?: { id?: string } };
  return d.ceId ?? d.event?.id ?? '';
}

function untilCount(core: Core, n: number): Promise<unknown> {
  return firstValueFrom(core.db.checkins.count().$.pipe(filter((c) => c >= n)));
}

try {
  // Baseline: the hub catches up N check-ins from the relay simulator (ingest).
  const relay = await startRelaySimulator({
    token: TOKEN,
    seed: 5,
    backlog: N,
    mix: { conflict: 0 },
  });
  let relayStart = 0;
  relay.once('connection', () => (relayStart = performance.now()));
  const hub = await startCore({
    dataDir: join(dir, 'hub'),
    relayUrl: relay.url,
    token: TOKEN,
    sync: { role: HUB_ROLE, laptopName: () => 'hub' },
  });
  const unique = relay.ledger.unique.size;
  await untilCount(hub, unique);
  const relaySeconds = (performance.now() - relayStart) / 1000;
  const relayRate = unique / relaySeconds;
  progress(`relay catch-up: ${fmt(relayRate)} docs/s`);

  // Initial sync of everything to a new laptop with no relay of its own.
  const code = hub.sync.joinCodeText()!;
  const wireBefore = hub.sync.current.wire.sent;
  const t0 = performance.now();
  const laptop = await startCore({
    dataDir: join(dir, 'new-laptop'),
    openStore: storeNamed('gateops-new-laptop'),
    noRelay: true,
    sync: { role: { kind: 'joined', code }, laptopName: () => 'new laptop' },
  });
  await untilCount(laptop, unique);
  const syncSeconds = (performance.now() - t0) / 1000;
  const syncRate = unique / syncSeconds;
  progress(`initial sync: ${fmt(syncRate)} docs/s`);
  // Bytes the hub sent over TLS (all frames: pulls, change stream, pairing, status).
  // (the status is taken every 2 s: the next one is taken after the laptop has everything).
  const wireStatus = await firstValueFrom(hub.sync.status$.pipe(skip(1)));
  const bytesPer = (wireStatus.wire.sent - wireBefore) / unique;
  const rawEventBytes =
    Array.from({ length: 200 }, (_, i) => Buffer.byteLength(relay.history.at(i) ?? '')).reduce(
      (a, b) => a + b,
      0,
    ) / 200;
  rows.push([
    `initial sync hub → new laptop (${fmt(unique)} check-ins), docs/s`,
    fmt(syncRate),
    `${fmt(relayRate)} (relay catch-up)`,
    `${fmt(syncRate / relayRate, 2)}×`,
  ]);
  rows.push([
    'bytes on the wire per check-in (TLS, hub → laptop)',
    fmt(bytesPer),
    `${fmt(rawEventBytes)} (the event as the relay sends it)`,
    `${fmt(bytesPer / rawEventBytes, 2)}×`,
  ]);
  await laptop.close();
  await relay.stop();

  // Hub memory with 10 simulated peers pulling everything and following the stream.
  (globalThis as { gc?: () => void }).gc?.();
  const rssAlone = process.memoryUsage().rss;
  const peers: HubLink[] = [];
  for (let i = 0; i < 10; i++) {
    const link = new HubLink({
      code: parseJoinCode(code),
      laptopId: randomDocId(),
      name: () => `peer ${i}`,
    });
    link.start();
    peers.push(link);
  }
  await Promise.all(
    peers.map((p) => firstValueFrom(p.state$.pipe(filter((s) => s.kind === 'live')))),
  );
  let peak = rssAlone;
  await Promise.all(
    peers.map(async (p) => {
      p.changes('checkins').subscribe();
      let checkpoint: { id: string; lwt: number } | null = null;
      for (;;) {
        const r = (await p.request({ t: 'pull', c: 'checkins', checkpoint, limit: 1000 })) as {
          documents: unknown[];
          checkpoint: { id: string; lwt: number } | null;
        };
        peak = Math.max(peak, process.memoryUsage().rss);
        if (r.documents.length < 1000) break;
        checkpoint = r.checkpoint;
      }
    }),
  );
  const rssPeers = process.memoryUsage().rss;
  progress('10 peers pulled everything');
  rows.push([
    `hub RSS with 10 peers joined (${fmt(unique)} stored), MiB (peak during their initial pulls)`,
    `${fmt(rssPeers / 2 ** 20)} (${fmt(peak / 2 ** 20)})`,
    `${fmt(rssAlone / 2 ** 20)} (hub alone)`,
    `${fmt(rssPeers / rssAlone, 2)}×`,
  ]);
  for (const p of peers) await p.stop();
  await hub.close();

  // Live propagation relay → A → hub → C.
  for (const rate of [20, 200]) {
    const seconds = Math.max(5, Math.round(20 * SCALE));
    // Baseline: relay → one laptop, ingest only (no venue sync), at the same rate.
    const ingestOnly = await liveIngestOnly(rate, rate * seconds);
    // No live timer of its own: events are generated at the rate below once A is connected,
    // so every measured event is a live one (not a backlog A fetched on connecting).
    const live = await startRelaySimulator({
      token: TOKEN,
      seed: 11 + rate,
      mix: { redelivery: 0, invalid: 0, otherType: 0, conflict: 0, oversize: 0 },
    });
    const relayConnected = new Promise<void>((resolve) => live.once('connection', () => resolve()));
    const sentAt = new Map<string, number>();
    let recorded = 0;
    live.on('appended', (n: number) => {
      // One 'appended' may stand for several events (one tick generates what is due).
      const now = performance.now();
      for (let i = recorded; i < n; i++) {
        const text = live.history.at(i);
        if (text) sentAt.set((JSON.parse(text) as { id: string }).id, now);
      }
      recorded = n;
    });
    const h = await startCore({
      dataDir: join(dir, `live-hub-${rate}`),
      noRelay: true,
      sync: { role: HUB_ROLE, laptopName: () => 'hub' },
    });
    const hubCode = h.sync.joinCodeText()!;
    const c = await startCore({
      dataDir: join(dir, `live-c-${rate}`),
      openStore: storeNamed('gateops-c'),
      noRelay: true,
      sync: { role: { kind: 'joined', code: hubCode }, laptopName: () => 'C' },
    });
    const target = rate * seconds;
    const latencies: number[] = [];
    // Where the time goes: relay → A → hub (hub's store holds it), and the rest, hub → C.
    const toHub: number[] = [];
    const hubSub = h.db.checkins.storageInstance.changeStream().subscribe((bulk) => {
      const now = performance.now();
      for (const e of bulk.events) {
        const at = sentAt.get(cloudEventId(e.documentData));
        if (at !== undefined) toHub.push(now - at);
      }
    });
    let allArrived = (): void => undefined;
    const arrived = new Promise<void>((resolve) => (allArrived = resolve));
    const sub = c.db.checkins.storageInstance.changeStream().subscribe((bulk) => {
      const now = performance.now();
      for (const e of bulk.events) {
        const at = sentAt.get(cloudEventId(e.documentData));
        if (at !== undefined) latencies.push(now - at);
      }
      if (recorded >= target && latencies.length >= live.ledger.unique.size) allArrived();
    });
    const a = startLaptop(join(dir, `live-a-${rate}`), [
      '--relay',
      live.url,
      '--sync-join',
      hubCode,
      '--quiet',
    ]);
    await a.sync((s) => s.link === 'live');
    await relayConnected;
    progress(`live ${rate}/s: A joined`);
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(target, Math.floor(((performance.now() - started) / 1000) * rate));
        if (due > recorded) live.generate(due - recorded);
        if (recorded >= target) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await arrived;
    sub.unsubscribe();
    hubSub.unsubscribe();
    latencies.sort((x, y) => x - y);
    toHub.sort((x, y) => x - y);
    rows.push([
      `live relay → A → hub → C at ${rate}/s, p50 / p99 ms (${fmt(latencies.length)} check-ins)`,
      `${fmt(percentile(latencies, 50))} / ${fmt(percentile(latencies, 99))}`,
      `${fmt(percentile(ingestOnly, 50))} / ${fmt(percentile(ingestOnly, 99))} (relay → one laptop, no sync)`,
      `${fmt(percentile(latencies, 99) / 500, 2)}× target p99 < 500`,
    ]);
    rows.push([
      `  of which relay → A → hub at ${rate}/s, p50 / p99 ms`,
      `${fmt(percentile(toHub, 50))} / ${fmt(percentile(toHub, 99))}`,
      '',
      '',
    ]);
    await a.stop();
    await c.close();
    await h.close();
    await live.stop();
  }
  console.log(table(rows));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
