/**
 * Migration benchmark (issue 16, decision 1): a data folder of N check-ins in the v0 shape
 * (schema version 0 of `checkins` with the `tickets` collection, realistic ~850-byte events,
 * written the way v0 ingest wrote them) opened by this version, which moves it to the check-in
 * document v1. `npm run bench -- bench/migration.bench.ts`; N = 1,000,000 × BENCH_SCALE.
 *
 *   1. time and peak RSS of the migration (the app's open, in a process of its own), against a
 *      baseline in the same run: plain node:sqlite reading every v0 row, parsing it and writing
 *      the v1 fields and local facts into plain tables with the same indexes (before and after
 *      ours; the mean is the baseline);
 *   2. a SIGKILL midway (at half the rows), then a second start: it finishes, with N check-ins
 *      and N local facts, none lost or doubled; the time of that second start.
 * The v0 folder is built once per size under .bench-data/ and copied for every run: its first
 * 20,000 check-ins (MIGRATION_V0_RXDB) through RxDB and the storage as v0 wrote them, the rest
 * straight into the v0 tables as rows of the same shape (test/helpers/store-v0.ts, writeRowsV0):
 * a 1M folder in a few minutes instead of over an hour.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { buildStoreV0 } from '../test/helpers/store-v0';
import { fmt, table } from './bench-common';

const ROOT = join(import.meta.dirname, '..');
const SCALE = Number(process.env['BENCH_SCALE'] ?? '1');
const N = Math.max(2000, Math.round(1_000_000 * SCALE));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const CHILD = join(import.meta.dirname, 'migration-child.ts');
const log = (s: string): void => console.log(s);
const THROUGH_RXDB = Math.min(N, Number(process.env['MIGRATION_V0_RXDB'] ?? '20000'));

async function fixture(): Promise<string> {
  const dir = join(ROOT, '.bench-data', `migration-v0-${N}-rxdb${THROUGH_RXDB}`);
  if (existsSync(join(dir, 'READY'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`building the v0 folder: ${fmt(N)} check-ins into ${dir} (once)…`);
  const started = Date.now();
  await buildStoreV0(dir, N, {
    batch: 5000,
    throughRxdb: THROUGH_RXDB,
    onProgress: (done) => {
      if (done % 100_000 === 0)
        log(`  ${fmt(done)} (${Math.round((Date.now() - started) / 1000)} s)`);
    },
  });
  writeFileSync(join(dir, 'READY'), `${N}\n`);
  log(
    `  built in ${Math.round((Date.now() - started) / 1000)} s (${fmt(THROUGH_RXDB)} through RxDB)`,
  );
  return dir;
}

function copyOf(source: string, name: string): string {
  // N and the process in the name: two runs at different scales must never share a folder.
  const dir = join(ROOT, '.bench-data', `migration-run-${N}-${process.pid}-${name}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, { recursive: true });
  rmSync(join(dir, 'READY'));
  return dir;
}

interface Run {
  readonly ms: number;
  readonly cpuMs: number | null;
  readonly rssMb: number | null;
  readonly out: string;
  readonly signal: NodeJS.Signals | null;
}

/** Runs the child; `killAt` (rows done) sends SIGKILL once the progress passes it. */
function child(mode: 'ours' | 'raw', dir: string, killAt?: number): Promise<Run> {
  const args = ['--import', 'tsx', CHILD, mode, dir];
  // The run that is killed goes without /usr/bin/time: the signal must reach node itself.
  const time = killAt === undefined ? TIME : null;
  const command = time ?? process.execPath;
  const argv = time ? ['-f', 'TIME %U %S %M', process.execPath, ...args] : args;
  const started = performance.now();
  const p = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (killAt === undefined) return;
    const done = [...chunk.matchAll(/progress (\d+) /g)].map((m) => Number(m[1]));
    if (done.some((d) => d >= killAt)) p.kill('SIGKILL');
  });
  p.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  return new Promise((resolve, reject) => {
    p.on('exit', (code, signal) => {
      const ms = performance.now() - started;
      const line = err.split('\n').find((l) => l.startsWith('TIME '));
      const killed = /Command terminated by signal 9/.test(err) || signal === 'SIGKILL';
      if (code !== 0 && !killed) {
        reject(new Error(`${mode} exited ${code ?? signal}: ${err}`));
        return;
      }
      const [user, sys, rssKb] = line ? line.slice(5).split(' ').map(Number) : [];
      resolve({
        ms,
        cpuMs: line ? ((user ?? 0) + (sys ?? 0)) * 1000 : null,
        rssMb: line ? (rssKb ?? 0) / 1024 : null,
        out,
        signal: killed ? 'SIGKILL' : null,
      });
    });
  });
}

function counts(dir: string): { checkins: number; local: number; distinct: number; v0: boolean } {
  const db = new DatabaseSync(join(dir, 'gate-ops.sqlite'), { readOnly: true });
  try {
    const one = (q: string) => Number(Object.values(db.prepare(q).get() ?? {})[0]);
    return {
      checkins: one('SELECT count(*) FROM "checkins--v1" WHERE deleted = 0'),
      local: one('SELECT count(*) FROM checkin_local'),
      distinct: one('SELECT count(DISTINCT id) FROM checkin_local'),
      v0:
        one(
          "SELECT count(*) FROM sqlite_master WHERE name LIKE 'checkins--v0%' OR name LIKE 'tickets--v0%'",
        ) > 0,
    };
  } finally {
    db.close();
  }
}

/** Bytes of pages in use (the file keeps the pages v0 freed until a VACUUM). */
function inUse(dir: string): number {
  const db = new DatabaseSync(join(dir, 'gate-ops.sqlite'), { readOnly: true });
  try {
    const get = (pragma: string) => Number(Object.values(db.prepare(`PRAGMA ${pragma}`).get()!)[0]);
    return (get('page_count') - get('freelist_count')) * get('page_size');
  } finally {
    db.close();
  }
}

const sizeOf = (dir: string): number =>
  ['gate-ops.sqlite', 'gate-ops.sqlite-wal']
    .map((f) => join(dir, f))
    .filter(existsSync)
    .reduce((sum, f) => sum + statSync(f).size, 0);

async function main(): Promise<void> {
  const source = await fixture();
  const v0Bytes = sizeOf(source);
  const v0InUse = inUse(source);
  log(`v0 folder: ${fmt(N)} check-ins, ${fmt(v0Bytes / 1024 / 1024)} MB`);

  const runRaw = async (name: string) => {
    const dir = copyOf(source, name);
    const r = await child('raw', dir);
    rmSync(dir, { recursive: true, force: true });
    return r;
  };
  const rawBefore = await runRaw('raw-before');
  const oursDir = copyOf(source, 'ours');
  const ours = await child('ours', oursDir);
  const after = counts(oursDir);
  const v1Bytes = sizeOf(oursDir);
  const v1InUse = inUse(oursDir);
  rmSync(oursDir, { recursive: true, force: true });
  // MIGRATION_BASELINE=once: the baseline runs before ours only (a 1M run is long at load).
  const rawAfter =
    process.env['MIGRATION_BASELINE'] === 'once' ? rawBefore : await runRaw('raw-after');
  if (!ours.out.includes(`opened ${N}`)) throw new Error(`ours: ${ours.out.slice(-200)}`);
  if (after.checkins !== N || after.local !== N || after.v0) {
    throw new Error(`after the migration: ${JSON.stringify(after)}`);
  }

  // SIGKILL at half the rows, then a second start.
  const killDir = copyOf(source, 'kill');
  const first = await child('ours', killDir, N / 2);
  if (first.signal !== 'SIGKILL') throw new Error(`not killed: ${first.out.slice(-200)}`);
  const midway = (() => {
    const db = new DatabaseSync(join(killDir, 'gate-ops.sqlite'), { readOnly: true });
    const n = Number(Object.values(db.prepare('SELECT count(*) FROM checkin_local').get()!)[0]);
    db.close();
    return n;
  })();
  const resumed = await child('ours', killDir);
  const end = counts(killDir);
  rmSync(killDir, { recursive: true, force: true });
  const intact =
    end.checkins === N &&
    end.local === N &&
    end.distinct === N &&
    !end.v0 &&
    resumed.out.includes(`opened ${N}`);

  const rawMs = (rawBefore.ms + rawAfter.ms) / 2;
  const rawRss = Math.max(rawBefore.rssMb ?? 0, rawAfter.rssMb ?? 0);
  const mb = (x: number | null) => (x === null ? 'n/a' : `${fmt(x)} MB`);
  log('');
  log(`Migration v0 → v1 of ${fmt(N)} check-ins (BENCH_SCALE=${SCALE})`);
  log(
    table([
      ['measure', 'ours', 'baseline (same run)', 'ratio'],
      [
        'migration wall time',
        `${fmt(ours.ms / 1000, 1)} s`,
        `plain SQL copy ${fmt(rawBefore.ms / 1000, 1)} / ${fmt(rawAfter.ms / 1000, 1)} s`,
        `${fmt(ours.ms / rawMs, 2)}×`,
      ],
      [
        'CPU (user+sys)',
        ours.cpuMs === null ? 'n/a' : `${fmt(ours.cpuMs / 1000, 1)} s`,
        rawBefore.cpuMs === null
          ? 'n/a'
          : `${fmt((rawBefore.cpuMs + (rawAfter.cpuMs ?? 0)) / 2000, 1)} s`,
        ours.cpuMs === null || rawBefore.cpuMs === null
          ? ''
          : `${fmt(ours.cpuMs / ((rawBefore.cpuMs + (rawAfter.cpuMs ?? 0)) / 2), 2)}×`,
      ],
      [
        'peak RSS',
        mb(ours.rssMb),
        mb(rawRss),
        ours.rssMb && rawRss ? `${fmt(ours.rssMb / rawRss, 2)}×` : '',
      ],
      [
        'per check-in',
        `${fmt((ours.ms * 1000) / N, 0)} µs`,
        `${fmt((rawMs * 1000) / N, 0)} µs`,
        '',
      ],
      ['file size before → after', `${fmt(v0Bytes / N)} → ${fmt(v1Bytes / N)} B/check-in`, '', ''],
      [
        'pages in use before → after',
        `${fmt(v0InUse / N)} → ${fmt(v1InUse / N)} B/check-in`,
        '',
        '',
      ],
      ['SIGKILL at half: moved when killed', fmt(midway), `of ${fmt(N)}`, ''],
      [
        'second start after the kill',
        `${fmt(resumed.ms / 1000, 1)} s, ${mb(resumed.rssMb)}`,
        '',
        intact ? 'all there, none doubled' : `LOST/DOUBLED ${JSON.stringify(end)}`,
      ],
    ]),
  );
  if (!intact) process.exitCode = 1;
}

await main();
