/**
 * Ingest benchmark (issues 4 and 16). `npm run bench -- bench/ingest.bench.ts`, or alone with
 * `npx tsx bench/ingest.bench.ts`; BENCH_SCALE=0.05 for a quick run.
 *
 * 1. Catch-up: the relay simulator in a process of its own (ingest-relay-child.ts) serves a
 *    backlog of 200,000 messages over a loopback websocket to each consumer in turn, each in a
 *    process of its own (ingest-child.ts): the minimal real pipeline (ws + JSON.parse + a
 *    node:sqlite insert with the app's indexes), then the app's core, then the minimal pipeline
 *    again (the machine is shared: the baseline is the mean of the two). msg/s and CPU per
 *    message of each consumer process, and the ratio. Then, for where the gap goes, the minimal
 *    pipeline with the app's full-text index added (ingest-child.ts raw-fts): not the issue's
 *    baseline, a second one that does the search feature's work too.
 * 2. Live: 200 events/s for 60 s; time from the relay sending an event to its batch committing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startCore, type Core } from '../electron/app';
import { startRelaySimulator } from '../electron/demo-venue';
import { checkInDetails } from '../shared/contract';
import { fmt, percentile, table } from './bench-common';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const BACKLOG = Math.max(2000, Math.round(200_000 * SCALE));
const LIVE_RATE = 200;
const LIVE_SECONDS = Math.max(10, Math.round(60 * Math.min(1, SCALE * 4)));
const TOKEN = 'bench-token';
const ROOT = join(import.meta.dirname, '..');

function waitForAll(core: Core, total: number): Promise<void> {
  return new Promise((resolve) => {
    if (core.ingest.totals.ingestSeq >= total) return resolve();
    core.ingest.on('batch-committed', (b) => {
      if (b.totals.ingestSeq >= total) resolve();
    });
  });
}

/** Starts a bench child (`node --import tsx`) and resolves with the first JSON line it prints. */
function child(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  flags: readonly string[] = [],
): { process: ChildProcess; line: Promise<Record<string, unknown>> } {
  const script = join(import.meta.dirname, file);
  const p = spawn(process.execPath, [...flags, '--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = new Promise<Record<string, unknown>>((resolve, reject) => {
    const lines = createInterface({ input: p.stdout! });
    lines.once('line', (text) => resolve(JSON.parse(text) as Record<string, unknown>));
    p.once('exit', (code, signal) => reject(new Error(`${file} exited ${code ?? signal}`)));
  });
  return { process: p, line };
}

interface Consumer {
  readonly seconds: number;
  readonly cpuMs: number;
  readonly stored: number;
  readonly rssMb: number;
  readonly batches?: number;
  readonly indexSeconds?: number;
  readonly indexCpuMs?: number;
}

/**
 * One consumer process against the relay process. BENCH_CPU_PROF=DIR profiles `ours` only
 * (node --cpu-prof, written to DIR).
 */
async function consume(mode: 'raw' | 'raw-fts' | 'ours', url: string, total: number, dir: string) {
  const own = mkdtempSync(join(dir, `${mode}-`));
  const prof = process.env['BENCH_CPU_PROF'];
  const flags = mode === 'ours' && prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
  const c = child('ingest-child.ts', [mode, url, TOKEN, String(total), own], process.env, flags);
  const result = (await c.line) as unknown as Consumer;
  await new Promise((resolve) => c.process.once('exit', resolve));
  rmSync(own, { recursive: true, force: true });
  return result;
}

async function catchUp(dir: string) {
  const relay = child('ingest-relay-child.ts', [TOKEN, String(BACKLOG)]);
  try {
    const { url, total, unique } = (await relay.line) as {
      url: string;
      total: number;
      unique: number;
    };
    const before = await consume('raw', url, total, dir);
    const ours = await consume('ours', url, total, dir);
    const after = await consume('raw', url, total, dir);
    const withText = await consume('raw-fts', url, total, dir);
    if (ours.stored !== unique) throw new Error(`ours stored ${ours.stored}, expected ${unique}`);
    return { total, unique, before, ours, after, withText };
  } finally {
    relay.process.stdin!.end();
    await new Promise((resolve) => relay.process.once('exit', resolve));
  }
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
    // BENCH_INGEST=catch-up skips the live part (profiling the catch-up alone).
    const l =
      process.env['BENCH_INGEST'] === 'catch-up' ? { latencies: [], count: 0 } : await live(dir);
    const { total, unique, before, ours, after, withText } = await catchUp(dir);
    const rate = (c: Consumer) => total / c.seconds;
    const cpuUs = (c: Consumer) => (c.cpuMs / total) * 1000;
    const rawRate = (rate(before) + rate(after)) / 2;
    const rawCpu = (cpuUs(before) + cpuUs(after)) / 2;
    console.log(
      table([
        ['measure', 'value', 'target'],
        ['catch-up: minimal pipeline, before (msg/s)', fmt(rate(before)), ''],
        ['catch-up: minimal pipeline, after (msg/s)', fmt(rate(after)), ''],
        ['catch-up: Gate Ops core (msg/s)', fmt(rate(ours)), ''],
        [
          'Gate Ops commits (mean messages each)',
          `${fmt(ours.batches ?? NaN)} (${fmt(total / (ours.batches ?? NaN))})`,
          '',
        ],
        ['catch-up ratio (ours / mean minimal)', fmt(rate(ours) / rawRate, 2), '≥ 0.60'],
        [
          'CPU per message: minimal (mean) / ours (µs)',
          `${fmt(rawCpu, 1)} / ${fmt(cpuUs(ours), 1)}`,
          '',
        ],
        ['CPU ratio (minimal / ours)', fmt(rawCpu / cpuUs(ours), 2), ''],
        [
          "ours: then the backlog's search index, s / CPU µs per msg",
          `${fmt(ours.indexSeconds ?? NaN, 2)} / ${fmt(((ours.indexCpuMs ?? NaN) / total) * 1000, 1)}`,
          '',
        ],
        [
          'ours until searchable by the index: msg/s, ratio to minimal',
          `${fmt(total / (ours.seconds + (ours.indexSeconds ?? NaN)))}, ${fmt(total / (ours.seconds + (ours.indexSeconds ?? NaN)) / rawRate, 2)}`,
          '',
        ],
        [
          "minimal + the app's full-text index: msg/s, CPU µs/msg",
          `${fmt(rate(withText))}, ${fmt(cpuUs(withText), 1)}`,
          '',
        ],
        [
          'ratio ours / (minimal + full-text): rate, CPU',
          `${fmt(rate(ours) / rate(withText), 2)}, ${fmt(cpuUs(withText) / cpuUs(ours), 2)}`,
          '',
        ],
        [
          'peak RSS: minimal / ours (MB)',
          `${fmt(Math.max(before.rssMb, after.rssMb))} / ${fmt(ours.rssMb)}`,
          '',
        ],
        [
          'messages / check-ins stored: ours (validated) / minimal',
          `${fmt(total)} / ${fmt(ours.stored)} / ${fmt(before.stored)}`,
          `${fmt(unique)} unique`,
        ],
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
