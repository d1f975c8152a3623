/**
 * Start-up of the `gate-ops` command (`npm run bench -- bench/cli-start.bench.ts`; BENCH_SCALE
 * scales the number of runs): wall time from spawn to exit, with user+system CPU and peak RSS
 * where /usr/bin/time is there.
 *   1. `gate-ops --help` through bin/gate-ops.mjs on Node 24, the built program (target < 0.2 s);
 *   2. `gate-ops stats --json` on a store of 1,000 check-ins (opens the store, reads, prints);
 *   3. both through the wrapper under an older Node (a system `node` < 24, when there is one):
 *      two Node start-ups, the wrapper and its Node 24 child;
 *   4. the development fallback: the same commands from the sources through tsx (what the
 *      wrapper did on every run before the CLI was built).
 * Baseline in the same run: bare `node -e 0` on the same Node (and on the older Node for 3).
 * Runs are interleaved so that a noisy moment hits every row alike.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { buildIsStale } from '../test/setup/build-when-stale';
import { percentile, table } from './bench-common';
import { copyRealisticStore } from './realistic-store';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'gate-ops.mjs');
const SCALE = Number(process.env['BENCH_SCALE'] ?? '1');
const RUNS = Math.max(5, Math.round(25 * SCALE));
const NODE24 = process.execPath;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const log = (s: string): void => console.log(s);

interface Sample {
  wallMs: number;
  cpuMs: number | null;
  rssMb: number | null;
}

interface Case {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** The row it is compared with. */
  readonly baseline?: string;
  readonly samples: Sample[];
}

function once(c: Case): Sample {
  const env = { ...process.env, ...c.env };
  const argv = TIME ? ['-f', '%U %S %M', c.command, ...c.args] : [...c.args];
  const started = performance.now();
  const r = spawnSync(TIME ?? c.command, argv, { cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`${c.label} failed (${r.status}): ${r.stderr}`);
  if (!TIME) return { wallMs, cpuMs: null, rssMb: null };
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [user, sys, rssKb] = last.split(' ').map(Number);
  return {
    wallMs,
    cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000,
    rssMb: (rssKb ?? 0) / 1024,
  };
}

/** A `node` older than 24 on PATH (the system Node), if any. */
function olderNode(): string | null {
  const candidates = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir && !dir.includes('node_modules'))
    .map((dir) => join(dir, 'node'))
    .filter((p) => existsSync(p));
  for (const path of candidates) {
    try {
      const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' });
      if (Number(version.split('.')[0]) < 24) return path;
    } catch {
      // not runnable: try the next one
    }
  }
  return null;
}

const median = (xs: number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const p90 = (xs: number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    90,
  );

async function run(): Promise<void> {
  if (buildIsStale(ROOT)) {
    log('out/ is missing or older than the sources: npm run build');
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'gate-ops-cli-start-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const data = (await copyRealisticStore(1000, join(tmp, 'data'), log)).dir;
  const stats = ['stats', '--json', '--data-dir', data];
  const fromSources = `import('tsx/esm/api').then((t) => { t.register(); return import('./electron/cli/entry.ts'); }).then(async (p) => { process.exitCode = await p.run(process.argv.slice(1)); })`;
  const cases: Case[] = [
    { label: 'node -e 0 (Node 24, baseline)', command: NODE24, args: ['-e', '0'], samples: [] },
    {
      label: 'gate-ops --help (built, Node 24)',
      command: NODE24,
      args: [BIN, '--help'],
      baseline: 'node -e 0 (Node 24, baseline)',
      samples: [],
    },
    {
      label: 'gate-ops stats --json, 1,000 stored (built, Node 24)',
      command: NODE24,
      args: [BIN, ...stats],
      baseline: 'node -e 0 (Node 24, baseline)',
      samples: [],
    },
    {
      label: 'gate-ops --help from the sources (tsx)',
      command: NODE24,
      args: ['--input-type=module', '-e', fromSources, '--', '--help'],
      baseline: 'gate-ops --help (built, Node 24)',
      samples: [],
    },
    {
      label: 'gate-ops stats --json from the sources (tsx)',
      command: NODE24,
      args: ['--input-type=module', '-e', fromSources, '--', ...stats],
      baseline: 'gate-ops stats --json, 1,000 stored (built, Node 24)',
      samples: [],
    },
  ];
  const older = olderNode();
  if (older) {
    const v = execFileSync(older, ['-v'], { encoding: 'utf8' }).trim();
    cases.push(
      { label: `node -e 0 (${v}, baseline)`, command: older, args: ['-e', '0'], samples: [] },
      {
        label: `gate-ops --help via the wrapper on ${v}`,
        command: older,
        args: [BIN, '--help'],
        baseline: `node -e 0 (${v}, baseline)`,
        samples: [],
      },
      {
        label: `gate-ops stats --json via the wrapper on ${v}`,
        command: older,
        args: [BIN, ...stats],
        baseline: 'gate-ops stats --json, 1,000 stored (built, Node 24)',
        samples: [],
      },
    );
  } else {
    log('(no Node older than 24 on PATH: the wrapper rows are left out)');
  }

  // One warm-up each (the disk cache, Node's compile cache), then interleaved runs.
  for (const c of cases) once(c);
  for (let i = 0; i < RUNS; i++) for (const c of cases) c.samples.push(once(c));

  const byLabel = new Map(cases.map((c) => [c.label, c]));
  const rows = [['command', 'wall p50', 'wall p90', 'CPU p50', 'peak RSS', 'vs', 'ratio']];
  for (const c of cases) {
    const wall = c.samples.map((s) => s.wallMs);
    const cpu = c.samples.map((s) => s.cpuMs ?? NaN);
    const rss = c.samples.map((s) => s.rssMb ?? NaN);
    const base = c.baseline ? byLabel.get(c.baseline) : undefined;
    const ratio = base ? median(wall) / median(base.samples.map((s) => s.wallMs)) : NaN;
    rows.push([
      c.label,
      `${median(wall).toFixed(0)} ms`,
      `${p90(wall).toFixed(0)} ms`,
      TIME ? `${median(cpu).toFixed(0)} ms` : 'n/a',
      TIME ? `${Math.max(...rss).toFixed(0)} MB` : 'n/a',
      base ? (base.label.split(' (')[0] ?? '') : '',
      base ? `${ratio.toFixed(2)}×` : '',
    ]);
  }
  log(`\ngate-ops start-up, ${RUNS} runs each (BENCH_SCALE=${SCALE})\n`);
  log(table(rows));
  const help = median(
    byLabel.get('gate-ops --help (built, Node 24)')!.samples.map((s) => s.wallMs),
  );
  log(
    `\ntarget: gate-ops --help under 200 ms on Node 24: ${help < 200 ? 'met' : 'NOT met'} (p50 ${help.toFixed(0)} ms)`,
  );
}

await run();
