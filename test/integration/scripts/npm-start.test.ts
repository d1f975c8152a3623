/**
 * `npm start` (scripts/start.ts) on a machine like this one, where Electron's binary cannot be
 * downloaded, and with a stand-in binary (a script that records its arguments) where path.txt
 * says. Every run is hermetic: ELECTRON_OVERRIDE_DIST_PATH and electron_config_cache point into
 * a temp folder (the project's node_modules/electron is never touched), ELECTRON_MIRROR at a
 * local port nobody listens on, BROWSER at a script that records the URL it was asked to open.
 * `--skip-build`: the test setup has built out/ already.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';
import { numberAt, openBrowser, screenshot } from '../../helpers/e2e';
import { unusedPort } from '../../helpers/ports';
import { tempDir } from '../../helpers/relay';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const START = join(ROOT, 'scripts', 'start.ts');

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

interface Setup {
  readonly dir: string;
  readonly dist: string;
  readonly dataDir: string;
  readonly opened: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A temp world for one run: no Electron binary, an unreachable mirror, a recording BROWSER. */
async function setup(): Promise<Setup> {
  const { dir, cleanup } = tempDir('gate-ops-start-');
  cleanups.push(cleanup);
  const dist = join(dir, 'electron-dist');
  mkdirSync(dist);
  const opened = join(dir, 'opened.txt');
  const browser = join(dir, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$@" >> '${opened}'\n`);
  chmodSync(browser, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'ELECTRON_EXEC_PATH', 'NO_SANDBOX'])
    delete env[name];
  Object.assign(env, {
    ELECTRON_OVERRIDE_DIST_PATH: dist,
    electron_config_cache: join(dir, 'electron-cache'),
    ELECTRON_MIRROR: `http://127.0.0.1:${await unusedPort()}/`,
    ELECTRON_GET_NO_PROGRESS: '1',
    GATE_OPS_DATA_DIR: join(dir, 'data'),
    BROWSER: browser,
  });
  return { dir, dist, dataDir: join(dir, 'data'), opened, env };
}

/** A stand-in Electron: records where it ran and with which arguments, exits with `status`. */
function standIn(s: Setup, status = 0): string {
  const record = join(s.dir, 'electron-ran.txt');
  const bin = join(s.dist, 'electron');
  writeFileSync(
    bin,
    `#!/bin/sh\n{ printf 'cwd=%s\\n' "$PWD"; for a in "$@"; do printf 'arg=%s\\n' "$a"; done; } > '${record}'\nexit ${status}\n`,
  );
  chmodSync(bin, 0o755);
  return record;
}

interface StartRun {
  readonly child: ChildProcess;
  readonly lines: string[];
  waitFor(match: RegExp): Promise<RegExpExecArray>;
  readonly exited: Promise<number | null>;
}

function start(env: NodeJS.ProcessEnv): StartRun {
  // Its own process group, so a Ctrl-C can reach every process in it, as from a terminal.
  const child = spawn(process.execPath, [START, '--skip-build'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  const lines: string[] = [];
  const waiters = new Set<{ match: RegExp; resolve: (m: RegExpExecArray) => void }>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const w of waiters) {
        const m = w.match.exec(line);
        if (m) {
          waiters.delete(w);
          w.resolve(m);
        }
      }
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    lines,
    exited,
    waitFor(match) {
      for (const line of lines) {
        const m = match.exec(line);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        waiters.add({ match, resolve });
        void exited.then((code) =>
          reject(new Error(`npm start exited (${code}) before ${match}:\n${lines.join('\n')}`)),
        );
      });
    },
  };
}

const REASON = /^npm start: no desktop window: (.*)\. Opening Gate Ops in the browser instead\.$/;
const AT_URL = /^npm start: Gate Ops is at (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+) /;

describe('npm start', () => {
  it(
    'without a downloadable Electron: one line why, then the app in the browser on the demo relay; Ctrl-C stops it cleanly',
    { timeout: 180_000 },
    async () => {
      const s = await setup();
      const run = start(s.env);
      const [, url] = await run.waitFor(AT_URL);
      const reasons = run.lines.filter((l) => REASON.test(l));
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toMatch(
        /Electron \d+\.\d+\.\d+ could not be downloaded \(.+\); check the network, or set ELECTRON_MIRROR/,
      );
      expect(run.lines.join('\n')).toMatch(/downloading it with Electron's installer/);
      // Electron's installer's stack trace is not shown to the user.
      expect(run.lines.some((l) => /^\s+at /.test(l))).toBe(false);
      expect(run.lines.join('\n')).toContain('SIMULATED data from the built-in demo relay');
      // The URL is printed, and handed to the browser. (The command prints it on stderr, npm
      // start's own line comes from its stdout: two pipes, so either may be read first.)
      const printed = await run.waitFor(/^Gate Ops dashboard: open (\S+)$/);
      expect(printed[1]).toBe(url);
      await expect
        .poll(() => (existsSync(s.opened) ? readFileSync(s.opened, 'utf8') : ''))
        .toBe(`${url}\n`);
      // No desktop binary was installed anywhere as a side effect.
      expect(existsSync(join(s.dist, 'electron'))).toBe(false);

      // A browser at the printed URL shows the demo data.
      const browser = await openBrowser(url as string);
      let browserOpen = true;
      cleanups.push(() => (browserOpen ? browser.close() : undefined));
      await expect
        .poll(() => numberAt(browser.page, 'total-checkins'), { timeout: 30_000 })
        .toBeGreaterThan(0);
      await browser.page.getByTestId('demo-badge').waitFor({ state: 'visible' });
      await screenshot(browser.page, 'npm-start-browser-fallback');
      browserOpen = false;
      await browser.close();

      // Ctrl-C in the terminal: every process of the group gets SIGINT at once.
      process.kill(-(run.child.pid as number), 'SIGINT');
      expect(await run.exited).toBe(0);
      const stopped = run.lines.find((l) => /^stopped: \d+ check-ins stored/.test(l));
      expect(stopped).toBeDefined();
      // One keypress, however many copies of the signal: no "again" note.
      expect(run.lines.join('\n')).not.toContain('again; still stopping');
      const stats = await runCli(['stats', '--demo', '--json', '--data-dir', s.dataDir]);
      expect(JSON.parse(stats.stdout).checkins).toBe(
        Number(/^stopped: (\d+)/.exec(stopped ?? '')?.[1]),
      );
    },
  );

  it(
    'with an Electron binary where path.txt says and a display: launches it on the built app',
    { timeout: 120_000 },
    async () => {
      const s = await setup();
      const record = standIn(s, 0);
      // NO_SANDBOX=1: the test may run as root, where Chromium needs it.
      const run = start({ ...s.env, DISPLAY: ':99', NO_SANDBOX: '1' });
      expect(await run.exited).toBe(0);
      const ran = readFileSync(record, 'utf8').trim().split('\n');
      expect(ran[0]).toBe(`cwd=${ROOT}`);
      // electron-vite starts it on the app folder, whose package.json main is the built bundle.
      expect(ran[1]).toBe('arg=.');
      expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).main).toBe(
        'out/main/index.js',
      );
      expect(run.lines.some((l) => REASON.test(l) || /downloading/.test(l))).toBe(false);
      expect(existsSync(s.opened)).toBe(false);

      // The desktop app's own failure is reported, with its status, not hidden.
      standIn(s, 3);
      const failing = start({ ...s.env, DISPLAY: ':99', NO_SANDBOX: '1' });
      expect(await failing.exited).toBe(3);
      expect(failing.lines.join('\n')).toContain('npm start: the desktop app exited with status 3');
    },
  );

  it(
    'with a binary but no display: says so, serves the browser version, and stops on SIGTERM to npm start alone',
    { timeout: 120_000 },
    async () => {
      const s = await setup();
      const record = standIn(s, 0);
      const run = start({ ...s.env, NO_SANDBOX: '1' });
      const [, url] = await run.waitFor(AT_URL);
      expect(run.lines.filter((l) => REASON.test(l))).toEqual([
        'npm start: no desktop window: there is no display (DISPLAY and WAYLAND_DISPLAY are not set); run it in a desktop session, or under xvfb-run. Opening Gate Ops in the browser instead.',
      ]);
      expect(existsSync(record)).toBe(false);
      const page = await fetch((url as string).replace(/#.*/, ''));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Gate Ops</title>');
      // A service manager stops npm start's process only: it passes the signal on.
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.lines.some((l) => /^stopped: \d+ check-ins stored/.test(l))).toBe(true);
    },
  );
});
