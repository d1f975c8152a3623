/**
 * Venue sync benchmark (issue 12). `npm run bench -- bench/venue-sync.bench.ts`; BENCH_SCALE=0.1
 * for a quick run; VENUE_BENCH_PARTS=initial,memory,live picks parts. All over real TLS on
 * 127.0.0.1:
 * - initial sync of N stored check-ins (1,000,000 × scale; VENUE_SYNC_STORED sets N) hub → a
 *   new laptop: documents/s, bytes on the wire per check-in, and the ratio to the relay catch-up
 *   rate of the same N measured in this run (the baseline: filling the hub's store from the relay
 *   simulator through ingest).
 *   Each source (relay simulator, hub) runs in a process of its own and the receiving laptop in
 *   this one, so the rate and CPU per check-in are the receiver's, as on a venue's laptops;
 * - live propagation relay → A → hub → C at 20 and 200 check-ins/s: p50/p99 from the relay
 *   sending an event to C holding it (A is a `gate-ops headless` child; hub and C in here);
 * - hub memory (RSS) with 10 laptops joined (simulated peers: each pairs, pulls from where it
 *   left off and follows the change stream while 2,000 new check-ins are written on the hub)
 *   and M stored (1,000,000 × scale; VENUE_HUB_STORED sets M), against the same hub alone. The
 *   hub runs in its own process on a copy of the shared realistic store of M check-ins
 *   (bench/realistic-store.ts: the app's own write path, cached in the temp dir), so the peers'
 *   memory is not counted.
 * - CPU per check-in of each process on the live path, against relay → one laptop (the figure
 *   that holds when the machine is shared: latency on 2 loaded cores is mostly waiting).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { firstValueFrom, filter, skip } from 'rxjs';
import { startCore, type Core } from '../electron/app';
import { openStore, randomDocId, type OpenStore } from '../electron/db';
import { startRelaySimulator } from '../electron/demo-venue';
import { HubLink } from '../electron/sync/join/hub-link';
import { parseJoinCode } from '../electron/sync/pairing/join-code';
import { startLaptop } from '../test/helpers/laptop-process';
import { TOKEN } from '../test/helpers/relay';
import { fmt, percentile, table } from './bench-common';
import { jsonChild } from './json-child';
import { copyRealisticStore } from './realistic-store';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
/** Check-ins of the initial sync: 1,000,000 at full scale (VENUE_SYNC_STORED sets it). */
const N = Number(process.env.VENUE_SYNC_STORED ?? Math.max(2000, Math.round(1_000_000 * SCALE)));
const M = Number(process.env.VENUE_HUB_STORED ?? Math.max(20_000, Math.round(1_000_000 * SCALE)));
const HUB_ROLE = { kind: 'hub', host: '127.0.0.1', port: 0 } as const;
/** Which parts run (comma-separated: initial, memory, live); all by default. */
const PARTS = new Set((process.env.VENUE_BENCH_PARTS ?? 'initial,memory,live').split(','));

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
async function liveIngestOnly(
  rate: number,
  total: number,
): Promise<{ latencies: number[]; cpuMsPerCheckIn: number }> {
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
  const cpu0 = ownCpuMs();
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
  const cpuMsPerCheckIn = (ownCpuMs() - cpu0) / latencies.length;
  sub.unsubscribe();
  await core.close();
  await relay.stop();
  return { latencies: latencies.sort((x, y) => x - y), cpuMsPerCheckIn };
}

/** The CloudEvents id of a stored check-in: a field in the v0 document, in `event` from v1 on. */
function cloudEventId(doc: unknown): string {
  const d = doc as { ceId?: string; event?: { id?: string } };
  return d.ceId ?? d.event?.id ?? '';
}

/** CPU ms (user + system) a process has used so far, from /proc (Linux). */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** How busy this process's event loop was since `since`, in % (100: never waited for I/O). */
function busyPercent(since: EventLoopUtilization): string {
  return fmt(
    100 * performance.eventLoopUtilization(performance.eventLoopUtilization(), since).utilization,
  );
}

function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU ms of this process's main thread alone (no worker threads, no libuv pool): the thread
 * that writes the store, so on a machine with a core to spare its time per check-in is what
 * limits the rate.
 */
function mainThreadCpuMs(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Hub memory: the hub alone in its own process on a store of M check-ins, then with 10
 * simulated laptops joined (paired, in sync from the hub's newest checkpoint, following the
 * change stream while 2,000 check-ins are written on the hub).
 */
async function hubMemory(): Promise<void> {
  const store = await copyRealisticStore(M, join(dir, 'memory-hub'), progress);
  const { child, next, ask } = jsonChild(
    join(import.meta.dirname, 'venue-hub-child.ts'),
    [store.dir],
    ['--expose-gc'],
  );
  try {
    const started = await next<{ code: string; rss: number }>();
    progress(`hub alone, just started: ${memoryText(await ask<Memory>('rss'))}`);
    // The baseline writes as many check-ins alone first: writing fills the storage's page cache
    // (up to 64 MB), which is not the peers' cost.
    await ask('write 2000');
    const alone = await ask<Memory>('rss');
    progress(`hub alone after writing 2,000: ${memoryText(alone)}`);
    const { newest } = await ask<{ newest: { id: string; lwt: number } }>('newest');
    const peers: HubLink[] = [];
    const received: number[] = [];
    let allReceived = (): void => undefined;
    const WRITES = 2000;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    for (let i = 0; i < 10; i++) {
      const link = new HubLink({
        code: parseJoinCode(started.code),
        laptopId: randomDocId(),
        name: () => `peer ${i}`,
      });
      link.start();
      peers.push(link);
      received.push(0);
    }
    await Promise.all(
      peers.map((p) => firstValueFrom(p.state$.pipe(filter((s) => s.kind === 'live')))),
    );
    await Promise.all(
      peers.map(async (p, i) => {
        p.changes('checkins').subscribe((f) => {
          received[i]! += f.documents.length;
          if (received.every((n) => n >= WRITES)) allReceived();
        });
        // In sync already: a pull from the hub's newest checkpoint brings nothing.
        const r = (await p.request({
          t: 'pull',
          c: 'checkins',
          checkpoint: newest,
          limit: 1000,
        })) as { documents: unknown[] };
        if (r.documents.length !== 0) throw new Error('a peer was not in sync');
      }),
    );
    await ask('write ' + WRITES);
    await done;
    const withPeers = await ask<Memory>('rss');
    progress(`hub with 10 laptops: ${memoryText(withPeers)}`);
    rows.push([
      '  per joined laptop, MiB (RSS / JS heap / external)',
      `${mib((withPeers.rss - alone.rss) / 10)} / ${mib((withPeers.heapUsed - alone.heapUsed) / 10)} / ${mib((withPeers.external - alone.external) / 10)}`,
      '',
      '',
    ]);
    rows.push([
      `hub RSS, ${fmt(M)} check-ins stored, 10 laptops joined (2,000 new check-ins fanned out to them), MiB (peak)`,
      `${fmt(withPeers.rss / 2 ** 20)} (${fmt(withPeers.peak / 2 ** 20)})`,
      `${fmt(alone.rss / 2 ** 20)} (the same hub alone, same store, after writing 2,000 check-ins)`,
      `${fmt(withPeers.rss / alone.rss, 2)}×`,
    ]);
    for (const p of peers) await p.stop();
    await ask('stop').catch(() => undefined);
  } finally {
    child.kill();
  }
}

interface Memory {
  readonly rss: number;
  readonly peak: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly buffers: number;
}

const mib = (bytes: number) => fmt(bytes / 2 ** 20, 1);
function memoryText(m: Memory): string {
  return `RSS ${mib(m.rss)} MiB (peak ${mib(m.peak)}), JS heap ${mib(m.heapUsed)}, external ${mib(m.external)} (array buffers ${mib(m.buffers)})`;
}

function untilCount(core: Core, n: number): Promise<unknown> {
  return firstValueFrom(core.db.checkins.count().$.pipe(filter((c) => c >= n)));
}

/**
 * Prints the monotonic clock (µs, the clock of `--cpu-prof` samples) at a phase boundary, so a
 * profile of this process can be cut to one phase.
 */
const mark = (what: string) =>
  progress(`mark ${what} ${Number(process.hrtime.bigint() / 1000n)} µs`);

/**
 * Initial sync against relay catch-up, each with its source in a process of its own (the relay
 * simulator; the hub) and the receiving laptop in this one, so the rates and this process's CPU
 * per check-in are the receiver's alone, as on a venue's laptops (the baseline's relay is a
 * server elsewhere; a hub is another laptop). The same check-ins both times: the hub's store is
 * the one the relay catch-up filled.
 */
async function initialSync(): Promise<void> {
  // Baseline: a laptop catches up N check-ins from the relay (ingest).
  const relay = jsonChild(join(import.meta.dirname, 'venue-relay-child.ts'), [
    TOKEN,
    String(N),
    '5',
  ]);
  const relayInfo = await relay.next<{ url: string; unique: number; rawEventBytes: number }>();
  const unique = relayInfo.unique;
  const hubDir = join(dir, 'hub');
  const opening = performance.now();
  const filled = await startCore({ dataDir: hubDir, relayUrl: relayInfo.url, token: TOKEN });
  mark('relay-catch-up-start');
  const relayStart = performance.now();
  const relayCpu0 = ownCpuMs();
  const relayMain0 = mainThreadCpuMs();
  const relayElu0 = performance.eventLoopUtilization();
  const relayBefore = await filled.db.checkins.count().exec();
  progress(
    `laptop started in ${fmt(relayStart - opening)} ms (${fmt(relayBefore)} check-ins by then)`,
  );
  await untilCount(filled, unique);
  mark('relay-catch-up-end');
  const relaySeconds = (performance.now() - relayStart) / 1000;
  const relayCpuPer = (ownCpuMs() - relayCpu0) / (unique - relayBefore);
  const relayMainPer = (mainThreadCpuMs() - relayMain0) / (unique - relayBefore);
  const relayChildCpuPer = cpuMsOf(relay.child.pid!) / unique;
  const relayRate = (unique - relayBefore) / relaySeconds;
  progress(`relay catch-up: ${fmt(relayRate)} docs/s, event loop busy ${busyPercent(relayElu0)} %`);
  await filled.close();
  await relay.end();

  // Initial sync of everything to a new laptop with no relay of its own, from that store as hub.
  const hub = jsonChild(join(import.meta.dirname, 'venue-hub-child.ts'), [hubDir]);
  try {
    const { code } = await hub.next<{ code: string }>();
    const hubCpu0 = cpuMsOf(hub.child.pid!);
    // The clock starts once the laptop's store is open and its venue sync started (as the relay
    // catch-up's once the store is open and its relay client started); what arrived before that
    // is left out of the rate.
    const laptopOpening = performance.now();
    const laptop = await startCore({
      dataDir: join(dir, 'new-laptop'),
      openStore: storeNamed('gateops-new-laptop'),
      noRelay: true,
      sync: { role: { kind: 'joined', code }, laptopName: () => 'new laptop' },
    });
    mark('initial-sync-start');
    const t0 = performance.now();
    const syncCpu0 = ownCpuMs();
    const syncMain0 = mainThreadCpuMs();
    const syncElu0 = performance.eventLoopUtilization();
    const before = await laptop.db.checkins.count().exec();
    progress(
      `new laptop started in ${fmt(t0 - laptopOpening)} ms (${fmt(before)} check-ins by then)`,
    );
    await untilCount(laptop, unique);
    mark('initial-sync-end');
    const syncSeconds = (performance.now() - t0) / 1000;
    const syncCpuPer = (ownCpuMs() - syncCpu0) / (unique - before);
    const syncMainPer = (mainThreadCpuMs() - syncMain0) / (unique - before);
    const hubCpuPer = (cpuMsOf(hub.child.pid!) - hubCpu0) / unique;
    const syncRate = (unique - before) / syncSeconds;
    progress(`initial sync: ${fmt(syncRate)} docs/s, event loop busy ${busyPercent(syncElu0)} %`);
    // Bytes the laptop read over TLS from the hub (pulls, pairing, team frames), from its next
    // status (taken every 2 s: after it holds everything).
    const wire = (await firstValueFrom(laptop.sync.status$.pipe(skip(1)))).wire.received;
    rows.push([
      `initial sync hub → new laptop (${fmt(unique)} check-ins), docs/s`,
      fmt(syncRate),
      `${fmt(relayRate)} (relay catch-up, same check-ins)`,
      `${fmt(syncRate / relayRate, 2)}×`,
    ]);
    rows.push([
      '  CPU ms per check-in of the receiving laptop (this process)',
      fmt(syncCpuPer, 3),
      `${fmt(relayCpuPer, 3)} (relay catch-up)`,
      `${fmt(syncCpuPer / relayCpuPer, 2)}×`,
    ]);
    rows.push([
      '  of which its main thread (the one that writes the store)',
      fmt(syncMainPer, 3),
      `${fmt(relayMainPer, 3)} (relay catch-up)`,
      `${fmt(syncMainPer / relayMainPer, 2)}×`,
    ]);
    rows.push([
      '  CPU ms per check-in of the source (its process: the hub / the relay simulator)',
      fmt(hubCpuPer, 3),
      `${fmt(relayChildCpuPer, 3)} (relay simulator, whole run)`,
      '',
    ]);
    rows.push([
      'bytes on the wire per check-in (TLS, hub → laptop)',
      fmt(wire / unique),
      `${fmt(relayInfo.rawEventBytes)} (the event as the relay sends it)`,
      `${fmt(wire / unique / relayInfo.rawEventBytes, 2)}×`,
    ]);
    await laptop.close();
  } finally {
    await hub.end();
  }
}

async function liveSync(): Promise<void> {
  // Live propagation relay → A → hub → C.
  for (const rate of [20, 200]) {
    const seconds = Math.max(5, Math.round(20 * SCALE));
    // Baseline: relay → one laptop, ingest only (no venue sync), at the same rate.
    const { latencies: ingestOnly, cpuMsPerCheckIn: ingestCpu } = await liveIngestOnly(
      rate,
      rate * seconds,
    );
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
    const cpu0 = ownCpuMs();
    const aCpu0 = cpuMsOf(a.child.pid!);
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
    const hubAndC = (ownCpuMs() - cpu0) / latencies.length;
    const onA = (cpuMsOf(a.child.pid!) - aCpu0) / latencies.length;
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
    rows.push([
      `  CPU ms per check-in at ${rate}/s: A (relay + push) / hub + C (one process here)`,
      `${fmt(onA, 2)} / ${fmt(hubAndC, 2)}`,
      `${fmt(ingestCpu, 2)} (relay → one laptop, ingest only)`,
      `${fmt(onA / ingestCpu, 2)}× / ${fmt(hubAndC / ingestCpu, 2)}×`,
    ]);
    await a.stop();
    await c.close();
    await h.close();
    await live.stop();
  }
}

try {
  if (PARTS.has('initial')) await initialSync();
  if (PARTS.has('memory')) await hubMemory();
  if (PARTS.has('live')) await liveSync();
  console.log(table(rows));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
