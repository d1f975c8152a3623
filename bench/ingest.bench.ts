/**
 * Ingest benchmark (issue 4). `npm run bench -- bench/ingest.bench.ts`, or alone with
 * `npx tsx bench/ingest.bench.ts`; BENCH_SCALE=0.05 for a quick run.
 *
 * 1. Catch-up: a backlog of 200,000 messages from the simulator through the websocket, classified
 *    and stored (SQLite, one transaction per batch) until the store holds them all; against the
 *    raw node:sqlite baseline for the same messages in the same run.
 * 2. Live: 200 events/s for 60 s; time from the relay sending an event to its batch committing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCore, type Core } from '../electron/app';
import { startRelaySimulator } from '../electron/demo-venue';
import { checkInDetails } from '../shared/contract';
import { fmt, percentile, table } from './bench-common';
import { rawIngest } from './ingest-bench-helpers';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const BACKLOG = Math.max(2000, Math.round(200_000 * SCALE));
const LIVE_RATE = 200;
const LIVE_SECONDS = Math.max(10, Math.round(60 * Math.min(1, SCALE * 4)));
const TOKEN = 'bench-token';

function waitForAll(core: Core, total: number): Promise<void> {
  return new Promise((resolve) => {
    if (core.ingest.totals.ingestSeq >= total) return resolve();
    core.ingest.on('batch-committed', (b) => {
      if (b.totals.ingestSeq >= total) resolve();
    });
  });
}

async function catchUp(
  dir: string,
): Promise<{ seconds: number; cpuMs: number; stored: number; messages: string[] }> {
  const relay = await startRelaySimulator({ token: TOKEN, seed: 99, backlog: BACKLOG });
  const messages = Array.from({ length: relay.history.length }, (_, i) => relay.history.at(i)!);
  // The clock starts when the relay accepts the connection: opening the database is not ingest.
  let start = 0;
  let cpu = process.cpuUsage();
  relay.once('connection', () => {
    start = performance.now();
    cpu = process.cpuUsage();
  });
  const core = await startCore({ dataDir: join(dir, 'ours'), relayUrl: relay.url, token: TOKEN });
  await waitForAll(core, BACKLOG);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const stored = core.ingest.totals.stored;
  if (stored !== relay.ledger.unique.size) {
    throw new Error(`stored ${stored}, expected ${relay.ledger.unique.size}`);
  }
  await core.close();
  await relay.stop();
  return { seconds, cpuMs: (used.user + used.system) / 1000, stored, messages };
}

function raw(
  dir: string,
  messages: readonly string[],
  file: string,
): { seconds: number; cpuMs: number; stored: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const stored = rawIngest(join(dir, file), messages, 500);
  const used = process.cpuUsage(cpu);
  return {
    seconds: (performance.now() - start) / 1000,
    cpuMs: (used.user + used.system) / 1000,
    stored,
  };
}

async function live(dir: string): Promise<{ latencies: number[]; count: number }> {
  const total = LIVE_RATE * LIVE_SECONDS;
  const relay = await startRelaySimulator({
    token: TOKEN,
    seed: 7,
    rate: LIVE_RATE,
    maxEvents: total,
  });
  const core = await startCore({ dataDir: join(dir, 'live'), relayUrl: relay.url, token: TOKEN });
  const latencies: number[] = [];
  core.ingest.on('batch-committed', (b) => {
    // `time` is stamped by the simulator when it generates and sends the event.
    for (const doc of b.documents) {
      const time = checkInDetails(doc.event).time;
      if (time !== undefined) latencies.push(b.committedAt - time);
    }
  });
  await waitForAll(core, total);
  await core.close();
  await relay.stop();
  return { latencies: latencies.sort((a, b) => a - b), count: latencies.length };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gate-ops-ingest-bench-'));
  try {
    console.log(`backlog ${fmt(BACKLOG)} messages; live ${LIVE_RATE}/s for ${LIVE_SECONDS} s`);
    // Live first, on a small heap: the catch-up keeps 200,000 messages in memory for the
    // baseline, and a major GC over that heap would be charged to the live latencies.
    const l = await live(dir);
    // The machine is shared: the baseline runs before and after ours and we compare with the
    // mean, and CPU time per message is shown next to wall time.
    const { messages, seconds, cpuMs, stored } = await catchUp(dir);
    const before = raw(dir, messages, 'raw-before.sqlite');
    const after = raw(dir, messages, 'raw-after.sqlite');
    const rawRate = (BACKLOG / before.seconds + BACKLOG / after.seconds) / 2;
    const oursRate = BACKLOG / seconds;
    const rawCpuUs = ((before.cpuMs + after.cpuMs) / 2 / BACKLOG) * 1000;
    const oursCpuUs = (cpuMs / BACKLOG) * 1000;
    console.log(
      table([
        ['measure', 'value', 'target'],
        ['catch-up: raw node:sqlite, before (msgs/s)', fmt(BACKLOG / before.seconds), ''],
        ['catch-up: raw node:sqlite, after (msgs/s)', fmt(BACKLOG / after.seconds), ''],
        ['catch-up: Gate Ops ws → SQLite (msgs/s)', fmt(oursRate), ''],
        ['catch-up ratio (ours / mean raw)', fmt(oursRate / rawRate, 2), '≥ 0.30'],
        ['CPU per message: raw / ours (µs)', `${fmt(rawCpuUs, 1)} / ${fmt(oursCpuUs, 1)}`, ''],
        ['check-ins stored: ours (validated) / raw', `${fmt(stored)} / ${fmt(before.stored)}`, ''],
        ['live: check-ins measured', fmt(l.count), ''],
        ['live: send → committed p50 (ms)', fmt(percentile(l.latencies, 50), 1), ''],
        ['live: send → committed p99 (ms)', fmt(percentile(l.latencies, 99), 1), '< 100'],
        ['live: send → committed max (ms)', fmt(l.latencies[l.latencies.length - 1] ?? NaN, 1), ''],
      ]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
