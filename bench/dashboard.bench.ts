/**
 * Dashboard benchmark (`npm run bench -- bench/dashboard.bench.ts`; BENCH_SCALE=0.1 for a
 * tenth): with 1,000,000 realistic check-ins stored (bench/realistic-store.ts, a private copy),
 *   1. start to dashboard populated: core + dashboard + headless host started on the stored data
 *      and Chromium showing the total (target < 1 s, issue 16); baselines from the same run:
 *      opening the database and counting the check-ins, and rebuilding the activity model
 *      without its snapshot;
 *   2. a live stream of 100 events/s: time from the relay sending an event to the total on the
 *      page including it, p50/p99 (target p99 < 250 ms); baseline: relay send → committed;
 *   3. the main process's memory, RSS and heap after a full GC (target RSS < 300 MB): the app
 *      (core + dashboard + headless host) runs in a child process of its own (dashboard-child.ts).
 *   4. the same start and stream with the built app, `gate-ops headless` (out/cli, built first if
 *      stale): spawn → dashboard populated (Node start and module loading included), its CPU
 *      time to then, and its RSS (/proc, no forced GC) after start and after the stream. Steps
 *      1–3 run the sources under tsx, whose module loading is outside their timings.
 * Browser launch is outside the timings: it is not part of the app.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityService, ACTIVITY_SNAPSHOT_ID } from '../electron/activity/activity-service';
import { DATABASE_NAME, openStore, readIngestTotals } from '../electron/db';
import { ensureRendererBuilt, openBrowser, startSim, type Browser } from '../test/helpers/e2e';
import { buildIsStale } from '../test/setup/build-when-stale';
import { percentile, table } from './bench-common';
import { copyRealisticStore } from './realistic-store';

const SCALE = Number(process.env['BENCH_SCALE'] ?? '1');
const N = Math.max(1000, Math.round(1_000_000 * SCALE));
const RATE = 100;
const STREAM_SECONDS = Number(process.env['BENCH_STREAM_SECONDS'] ?? '20');
const TOKEN = 'bench-dashboard-token-0123456789';
const ROOT = join(import.meta.dirname, '..');

const log = (s: string): void => console.log(s);
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;
const ms = (x: number): string => `${x.toFixed(0)} ms`;
type ChildMessage =
  | {
      t: 'ready';
      url: string;
      coreStartAt: number;
      readyAt: number;
      startInfo: { fromSnapshot: boolean; foldedOnStart: number };
    }
  | { t: 'committed'; n: number; at: number }
  | { t: 'live' }
  | { t: 'memory'; rss: number; heap: number; cpuMs: number; loopBusyMs: number };

function nextMessage<T extends ChildMessage['t']>(
  child: ChildProcess,
  t: T,
): Promise<Extract<ChildMessage, { t: T }>> {
  return new Promise((resolve, reject) => {
    const on = (m: ChildMessage) => {
      if (m.t !== t) return;
      child.off('message', on);
      resolve(m as Extract<ChildMessage, { t: T }>);
    };
    child.on('message', on);
    child.once('exit', (code) => reject(new Error(`the app process exited (${code})`)));
  });
}

async function memory(child: ChildProcess) {
  const reply = nextMessage(child, 'memory');
  child.send({ t: 'memory' });
  return reply;
}

async function main(): Promise<void> {
  if (buildIsStale(ROOT)) {
    log('out/ is missing or older than the sources: npm run build');
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  ensureRendererBuilt();
  const tmp = mkdtempSync(join(tmpdir(), 'gate-ops-dashboard-bench-'));
  try {
    await run((await copyRealisticStore(N, join(tmp, 'data'), log)).dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function run(dir: string): Promise<void> {
  // Baseline 1: open the database and count the check-ins (no model, no UI).
  let t = performance.now();
  {
    const store = await openStore(dir, DATABASE_NAME);
    await store.db.checkins.count().exec();
    await store.close();
  }
  const openCount = performance.now() - t;

  // Baseline 2: the activity model rebuilt from every stored check-in (what the snapshot saves).
  let rebuild: number;
  let stored: number;
  let cursor: string | null;
  {
    const store = await openStore(dir, DATABASE_NAME);
    await (await store.db.state.findOne(ACTIVITY_SNAPSHOT_ID).exec())?.remove();
    t = performance.now();
    const activity = await ActivityService.start({ db: store.db, snapshotEveryMs: 0 });
    stored = activity.overview().totals.checkins;
    rebuild = performance.now() - t;
    await activity.close(); // writes the snapshot the app starts from below
    cursor = (await readIngestTotals(store.db)).cursor;
    await store.close();
  }
  log(`stored check-ins: ${stored}; rebuild without snapshot ${ms(rebuild)}`);

  const sim = await startSim({
    token: TOKEN,
    rate: 0,
    backlog: 0,
    // A new seed per run: the same seed would replay the same check-ins, stored as redeliveries.
    seed: Date.now() % 2_147_483_647,
    sequenceBase: cursor !== null && /^\d+$/.test(cursor) ? Number(cursor) : 0,
    mix: {
      redelivery: 0,
      reentry: 0,
      invalid: 0,
      otherType: 0,
      conflict: 0,
      lateBatch: 0,
      extraFields: 0,
      oversize: 0,
    },
  });
  const browser = await openBrowser('about:blank', { waitReady: false });
  const { page } = browser;

  // 1. Start to dashboard populated: the app process is launched (module loading included), its
  // core and dashboard start on the stored data, the page opens and shows the stored total.
  const launchAt = Date.now();
  const child = fork(join(import.meta.dirname, 'dashboard-child.ts'), [dir, sim.url, TOKEN], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const committedAt: number[] = [];
  child.on('message', (m: ChildMessage) => {
    if (m.t === 'committed') for (let i = 0; i < m.n; i++) committedAt.push(m.at);
  });
  const live = nextMessage(child, 'live');
  const ready = await nextMessage(child, 'ready');
  await page.goto(ready.url);
  await page.waitForFunction(
    (n) =>
      Number(
        document.querySelector('[data-testid="total-checkins"]')?.textContent?.replace(/\D/g, '') ??
          0,
      ) >= n,
    stored,
    { timeout: 120_000, polling: 'raf' },
  );
  const populatedAt = Date.now();
  const startToPopulated = populatedAt - ready.coreStartAt;
  const launchToPopulated = populatedAt - launchAt;
  const afterStart = await memory(child);
  log(
    `core start → populated ${ms(startToPopulated)}; process launch → populated ${ms(launchToPopulated)} ` +
      `(snapshot: ${ready.startInfo.fromSnapshot}, folded on start: ${ready.startInfo.foldedOnStart})`,
  );
  // Stream only once the relay link is up, so the first events do not wait for a connection.
  await live;

  // 2. Live stream: record when each event was handed to the relay and when the page showed it.
  const base = Number((await page.getByTestId('total-checkins').innerText()).replace(/\D/g, ''));
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="total-checkins"]')!;
    const samples: Array<[number, number]> = [];
    (window as unknown as { __samples: typeof samples }).__samples = samples;
    new MutationObserver(() =>
      samples.push([Date.now(), Number(el.textContent?.replace(/\D/g, '') ?? 0)]),
    ).observe(el, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  const sentAt: number[] = [];
  const committedBefore = committedAt.length;
  const total = RATE * STREAM_SECONDS;
  const streamStart = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((Date.now() - streamStart) / 1000) * RATE));
      while (sentAt.length < due) {
        sim.generate(1);
        sentAt.push(Date.now());
      }
      if (sentAt.length >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  log(
    `streamed ${sentAt.length}; relay sent ${sim.sentCount}; committed ${committedAt.length - committedBefore}; page base ${base}`,
  );
  await page.waitForFunction(
    (n) =>
      Number(
        document.querySelector('[data-testid="total-checkins"]')?.textContent?.replace(/\D/g, '') ??
          0,
      ) >= n,
    base + total,
    { timeout: 60_000 },
  );
  const afterStream = await memory(child);
  const samples = await page.evaluate(
    () => (window as unknown as { __samples: Array<[number, number]> }).__samples,
  );
  const visible: number[] = [];
  let s = 0;
  for (let k = 0; k < total; k++) {
    while (s < samples.length && samples[s]![1] < base + k + 1) s++;
    const at = samples[s]?.[0];
    if (at !== undefined) visible.push(at - sentAt[k]!);
  }
  const commit = committedAt
    .slice(committedBefore, committedBefore + total)
    .map((c, k) => c - sentAt[k]!);
  visible.sort((a, b) => a - b);
  commit.sort((a, b) => a - b);

  await page.goto('about:blank'); // its socket would retry the stopped app's port
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ t: 'stop' });
  await exited;
  const built = await runBuilt(dir, sim, browser, base + total);
  await browser.close();
  await sim.stop();

  log('');
  log(
    `Dashboard with ${stored.toLocaleString('en')} check-ins stored (BENCH_SCALE=${SCALE}); stream ${RATE}/s for ${STREAM_SECONDS} s`,
  );
  log(
    table([
      ['measure', 'value', 'target', 'baseline (same run)', 'ratio'],
      [
        'start → dashboard populated',
        ms(startToPopulated),
        '< 1000 ms',
        `open + count ${ms(openCount)}`,
        `${(startToPopulated / openCount).toFixed(1)}×`,
      ],
      ['  (process launch → populated)', ms(launchToPopulated), '', '', ''],
      ['  (core start → app and API up)', ms(ready.readyAt - ready.coreStartAt), '', '', ''],
      [
        '  (app main thread busy / CPU, start → populated)',
        `${ms(afterStart.loopBusyMs)} / ${ms(afterStart.cpuMs)}`,
        '',
        'the rest: waiting (page load)',
        `${((100 * afterStart.loopBusyMs) / startToPopulated).toFixed(0)}% busy`,
      ],
      [
        '  (activity rebuild without snapshot)',
        ms(rebuild),
        '',
        '',
        `${(rebuild / startToPopulated).toFixed(1)}× the start`,
      ],
      [
        'relay send → visible, p50',
        ms(percentile(visible, 50)),
        '',
        `→ committed ${ms(percentile(commit, 50))}`,
        `+${ms(percentile(visible, 50) - percentile(commit, 50))}`,
      ],
      [
        'relay send → visible, p99',
        ms(percentile(visible, 99)),
        '< 250 ms',
        `→ committed ${ms(percentile(commit, 99))}`,
        `+${ms(percentile(visible, 99) - percentile(commit, 99))}`,
      ],
      ['app process RSS after start', mb(afterStart.rss), '< 300 MB', '', ''],
      ['app process RSS after stream', mb(afterStream.rss), '< 300 MB', '', ''],
      ['app process heap after start (after GC)', mb(afterStart.heap), '', '', ''],
      ['app process heap after stream (after GC)', mb(afterStream.heap), '', '', ''],
      [
        'built app: spawn → dashboard populated',
        ms(built.populatedMs),
        '< 1000 ms',
        `open + count ${ms(openCount)}`,
        `${(built.populatedMs / openCount).toFixed(1)}×`,
      ],
      ['  (spawn → app and API up)', ms(built.readyMs), '', '', ''],
      ['  (app CPU, spawn → populated)', ms(built.cpuMs), '', '', ''],
      ['built app RSS after start', mb(built.rssStart), '< 300 MB', '', ''],
      ['built app RSS after stream', mb(built.rssStream), '< 300 MB', '', ''],
    ]),
  );
  log(`events measured: ${visible.length}/${total}; page updates: ${samples.length}`);
}

/** The share of /proc/PID/stat: user + system CPU in ms, and the resident set in bytes. */
function procUsage(pid: number): { cpuMs: number; rss: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the name), in 1/100 s.
  return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, rss: rssKb * 1024 };
}

const pageTotal = (browser: Browser, atLeast: number, timeout: number): Promise<unknown> =>
  browser.page.waitForFunction(
    (n) =>
      Number(
        document.querySelector('[data-testid="total-checkins"]')?.textContent?.replace(/\D/g, '') ??
          0,
      ) >= n,
    atLeast,
    { timeout, polling: 'raf' },
  );

/** 4. The built app (`gate-ops headless`) on the same store: start, then the same stream. */
async function runBuilt(
  dir: string,
  sim: Awaited<ReturnType<typeof startSim>>,
  browser: Browser,
  stored: number,
): Promise<{
  populatedMs: number;
  readyMs: number;
  cpuMs: number;
  rssStart: number;
  rssStream: number;
}> {
  const tokenFile = join(dir, '..', 'relay-token');
  writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'gate-ops.mjs'), 'headless', '--data-dir', dir, '--port', '0'].concat([
      '--relay',
      sim.url,
      '--token-file',
      tokenFile,
      '--quiet',
    ]),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    let url = '';
    let readyAt = 0;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.once('exit', (code) => reject(new Error(`gate-ops headless exited (${code})`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.startsWith('{"url"')) url = (JSON.parse(line) as { url: string }).url;
          if (line.startsWith('{"ready"')) {
            readyAt = Date.now();
            resolve();
          }
        }
      });
    });
    await browser.page.goto(url);
    await pageTotal(browser, stored, 120_000);
    const populatedAt = Date.now();
    const atStart = procUsage(child.pid!);
    let sent = 0;
    const total = RATE * STREAM_SECONDS;
    const streamStart = Date.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((Date.now() - streamStart) / 1000) * RATE));
        for (; sent < due; sent++) sim.generate(1);
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await pageTotal(browser, stored + total, 60_000);
    const afterStream = procUsage(child.pid!);
    log(
      `built app: spawn → populated ${ms(populatedAt - started)}, RSS ${mb(atStart.rss)} → ${mb(afterStream.rss)} after the stream`,
    );
    return {
      populatedMs: populatedAt - started,
      readyMs: readyAt - started,
      cpuMs: atStart.cpuMs,
      rssStart: atStart.rss,
      rssStream: afterStream.rss,
    };
  } finally {
    await browser.page.goto('about:blank');
    child.kill('SIGTERM');
    await exited;
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
