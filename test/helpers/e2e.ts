/**
 * End-to-end harness: builds the renderer when it is missing or stale, runs a relay simulator in
 * this process on a port of its own, runs `gate-ops headless --relay … --port 0` in-process (the
 * real command, with its stdout read line by line), and drives Debian's Chromium with
 * playwright-core. Every piece listens on 127.0.0.1 port 0 and gets a fresh temp folder.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { main } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import {
  startRelaySimulator,
  type RelaySimulator,
  type RelaySimulatorOptions,
} from '../../electron/demo-venue';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds out/renderer once if index.html is missing or older than the renderer or shared sources. */
export function ensureRendererBuilt(): void {
  const index = join(ROOT, 'out', 'renderer', 'index.html');
  const sources = Math.max(newest(join(ROOT, 'renderer')), newest(join(ROOT, 'shared')));
  let built = 0;
  try {
    built = statSync(index).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= sources) return;
  // Test files run in parallel: one builds, the others wait on the lock and find it fresh.
  const script = `
    const { statSync } = require('node:fs');
    let built = 0; try { built = statSync(${JSON.stringify(index)}).mtimeMs; } catch {}
    if (built < ${sources}) {
      const r = require('node:child_process').spawnSync(process.execPath,
        [${JSON.stringify(join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'))}, 'build', '-c', 'renderer/vite.config.ts'],
        { cwd: ${JSON.stringify(ROOT)}, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
      process.exit(r.status ?? 1);
    }`;
  const r = spawnSync(
    'flock',
    ['/tmp/gateops-renderer-build.lock', process.execPath, '-e', script],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) throw new Error('building the renderer failed');
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `gateops-e2e-${prefix}-`));
}

export async function startSim(
  options: Partial<RelaySimulatorOptions> & { token: string },
): Promise<RelaySimulator> {
  return startRelaySimulator({
    host: '127.0.0.1',
    port: 0,
    seed: 7,
    preset: 'stadium',
    ...options,
  });
}

export interface HeadlessRun {
  readonly url: string;
  readonly dataDir: string;
  /** Every JSON line printed on stdout so far (progress lines included). */
  readonly lines: unknown[];
  /** Resolves when a stdout line matches. */
  waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<number>;
  stderr(): string;
}

/** Runs `gate-ops headless` in this process until stop(). */
export async function startHeadless(args: string[], dataDir: string): Promise<HeadlessRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const controller = new AbortController();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  stdout.on('data', (c: Buffer) => {
    buffered += c.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a JSON line
      }
      for (const w of waiters) w();
    }
  });
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from([]),
    env: {},
    cwd: ROOT,
    stopSignal: controller.signal,
  };
  let exited = false;
  const done = main(
    ['headless', '--data-dir', dataDir, '--port', '0', '--quiet', '--progress', ...args],
    io,
  ).finally(() => {
    exited = true;
    for (const w of waiters) w();
  });
  const waitForLine: HeadlessRun['waitForLine'] = (match, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching line from gate-ops headless; stderr:\n${err}`));
      }, timeoutMs);
      const check = () => {
        const found = lines.find(match);
        if (found || exited) {
          clearTimeout(timer);
          waiters.delete(check);
          if (found) resolve(found);
          else reject(new Error(`gate-ops headless exited; stderr:\n${err}`));
        }
      };
      waiters.add(check);
      check();
    });
  const first = await waitForLine((l) => typeof l['url'] === 'string');
  return {
    url: first['url'] as string,
    dataDir,
    lines,
    waitForLine,
    stderr: () => err,
    async stop() {
      controller.abort();
      return done;
    },
  };
}

export function writeTokenFile(dir: string, token: string): string {
  const file = join(dir, 'relay-token');
  writeFileSync(file, token, { mode: 0o600 });
  return file;
}

/** How every test starts Debian's Chromium (COMMON.md launch flags). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function openBrowser(
  url: string,
  options: { colorScheme?: 'light' | 'dark'; waitReady?: boolean } = {},
): Promise<Browser> {
  const profile = tempDir('chromium');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1366, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    args: [...CHROMIUM_ARGS],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') process.stderr.write(`[page] ${m.text()}\n`);
  });
  await page.goto(url);
  if (options.waitReady !== false)
    await page.locator('[data-state="ready"]').waitFor({ timeout: 30_000 });
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('\n')}`);
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Text of a data-testid element as a number ("12,345" → 12345). */
export async function numberAt(page: Page, testId: string): Promise<number> {
  const text = await page.getByTestId(testId).first().innerText();
  return Number(text.replace(/[^\d.-]/g, ''));
}

/** What `gate-ops stats --json` prints, as far as the tests read it. */
export interface StoreStats {
  readonly checkins: number;
  readonly reentries: number;
  readonly quarantined: number;
  readonly perGate: Record<string, number>;
  readonly perSession: Record<string, number>;
}

/**
 * `gate-ops stats --json` in its own process, as a user would run it next to the app (in this
 * process RxDB would close the running app's database of the same name).
 */
export async function storeStats(dataDir: string): Promise<StoreStats> {
  const r = await promisify(execFile)(process.execPath, [
    join(ROOT, 'bin', 'gate-ops.mjs'),
    'stats',
    '--json',
    '--data-dir',
    dataDir,
  ]);
  return JSON.parse(r.stdout) as StoreStats;
}

/**
 * Waits until everything the relay holds is committed: its last sequence is committed (as
 * `latest`; the cursor lags one stamp, docs/relay-protocol.md).
 */
export async function waitQuiescent(sim: RelaySimulator, run: HeadlessRun): Promise<void> {
  const last = sim.history.sequenceAt(sim.history.length - 1);
  await run.waitForLine((l) => l['latest'] === last, 90_000);
}

export interface QuiescentDashboard {
  readonly sim: RelaySimulator;
  readonly run: HeadlessRun;
  readonly browser: Browser;
  /** The headless run's data folder (also a place for downloads). */
  readonly dir: string;
  /** Closes the browser, stops the run and the simulator, removes the folder. */
  close(): Promise<void>;
}

/**
 * A relay simulator holding a backlog and sending nothing live, `gate-ops headless` on it until
 * the store holds all of it, and Chromium on the dashboard (light scheme, ready).
 */
export async function startQuiescentDashboard(options: {
  readonly prefix: string;
  readonly token: string;
  readonly backlog: number;
  readonly backlogSpanMs: number;
}): Promise<QuiescentDashboard> {
  ensureRendererBuilt();
  const dir = tempDir(options.prefix);
  let sim: RelaySimulator | undefined;
  let run: HeadlessRun | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await run?.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    sim = await startSim({
      token: options.token,
      backlog: options.backlog,
      backlogSpanMs: options.backlogSpanMs,
      rate: 0,
    });
    run = await startHeadless(
      ['--relay', sim.url, '--token-file', writeTokenFile(dir, options.token)],
      dir,
    );
    await waitQuiescent(sim, run);
    browser = await openBrowser(run.url);
    return { sim, run, browser, dir, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
