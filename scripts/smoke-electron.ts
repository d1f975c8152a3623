/**
 * `npm run smoke:electron`: the real desktop app, once, end to end. Where an Electron binary is
 * present (node_modules/electron/path.txt after a download, or ELECTRON_EXEC_PATH), it starts
 * the built app (out/, from `npm run build`) on a temp data folder, under Xvfb on Linux when
 * there is no display, waits for the window's `data-state="ready"` (Playwright's Electron
 * support), saves a screenshot to test-results/screenshots/electron-smoke.png, quits the app
 * and checks that the store was written.
 *
 * Where it cannot run it says why and exits 77 ("skipped"): it never reports a pass it did not
 * earn. The outcome also goes to test-results/smoke-electron.json for .ci/run's summary.
 *   exit 0 passed · 1 failed · 77 skipped
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { electronPackage, findElectronBinary, platformProblem } from './electron-binary.ts';

const ROOT = join(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'test-results');
const SCREENSHOT = join(RESULTS, 'screenshots', 'electron-smoke.png');
const EXIT_SKIPPED = 77;

type Outcome = { status: 'passed' | 'failed' | 'skipped'; reason: string };

function report(outcome: Outcome): number {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'smoke-electron.json'), `${JSON.stringify(outcome)}\n`);
  process.stderr.write(`smoke:electron ${outcome.status}: ${outcome.reason}\n`);
  return outcome.status === 'passed' ? 0 : outcome.status === 'skipped' ? EXIT_SKIPPED : 1;
}

/** An Xvfb server on a free display number (-displayfd: it tells us which). */
async function startXvfb(): Promise<{ display: string; stop: () => void } | null> {
  const which = spawnSync('sh', ['-c', 'command -v Xvfb'], { encoding: 'utf8' });
  if (which.status !== 0) return null;
  const xvfb: ChildProcess = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] },
  );
  const display = await new Promise<string | null>((resolve) => {
    let text = '';
    xvfb.stdio[3]?.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    xvfb.once('exit', () => resolve(null));
    xvfb.once('error', () => resolve(null));
  });
  if (!display) return null;
  return { display, stop: () => void xvfb.kill('SIGTERM') };
}

/** The Xvfb this run started, stopped however the run ends. */
let xvfb: { display: string; stop: () => void } | null = null;

async function main(): Promise<number> {
  const unsupported = platformProblem();
  if (unsupported) return report({ status: 'skipped', reason: unsupported });
  const lookup = findElectronBinary(electronPackage(ROOT));
  if (!lookup.found) {
    return report({
      status: 'skipped',
      reason: `no Electron binary (${lookup.why}; npm start downloads it, or set ELECTRON_EXEC_PATH)`,
    });
  }
  if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) {
    return report({ status: 'failed', reason: 'out/ is not built: run npm run build first' });
  }

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  if (process.platform === 'linux' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY']) {
    xvfb = await startXvfb();
    if (!xvfb) {
      return report({ status: 'skipped', reason: 'no display, and Xvfb is not installed' });
    }
    env['DISPLAY'] = xvfb.display;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'gate-ops-smoke-'));
  env['GATE_OPS_DATA_DIR'] = dataDir;
  const args = [ROOT];
  // Chromium's sandbox does not run as root (containers, CI).
  if (process.platform === 'linux' && process.getuid?.() === 0) args.push('--no-sandbox');

  const started = Date.now();
  try {
    const app = await _electron.launch({
      executablePath: lookup.path,
      args,
      env,
      cwd: ROOT,
      timeout: 60_000,
    });
    let exitCode: number | null = null;
    const exited = new Promise<void>((resolve) =>
      app.process().once('exit', (code) => {
        exitCode = code;
        resolve();
      }),
    );
    try {
      const page = await app.firstWindow({ timeout: 60_000 });
      await page.locator('[data-state="ready"]').waitFor({ timeout: 60_000 });
      const readyMs = Date.now() - started;
      const hasApi = await page.evaluate(
        () => typeof (window as unknown as { gateOps?: unknown }).gateOps === 'object',
      );
      const userData = await app.evaluate(({ app: electronApp }) =>
        electronApp.getPath('userData'),
      );
      mkdirSync(join(RESULTS, 'screenshots'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
      await app.close();
      await exited;
      const problems = [
        ...(hasApi ? [] : ['window.gateOps is missing']),
        ...(userData === dataDir ? [] : [`userData is ${userData}, not ${dataDir}`]),
        ...(exitCode === 0 ? [] : [`the app exited with ${exitCode}`]),
        ...(existsSync(join(dataDir, 'gate-ops-demo.sqlite')) ? [] : ['no demo database written']),
      ];
      if (problems.length > 0) return report({ status: 'failed', reason: problems.join('; ') });
      return report({
        status: 'passed',
        reason: `window ready in ${(readyMs / 1000).toFixed(1)} s (${lookup.path}); screenshot ${SCREENSHOT}`,
      });
    } finally {
      if (exitCode === null) app.process().kill('SIGKILL');
    }
  } catch (error) {
    return report({
      status: 'failed',
      reason: error instanceof Error ? error.message : String(error),
    });
  } finally {
    xvfb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Playwright can reject from inside its launcher, past the await: still a failure, reported.
process.on('unhandledRejection', (error) => {
  xvfb?.stop();
  process.exit(
    report({ status: 'failed', reason: error instanceof Error ? error.message : String(error) }),
  );
});
rmSync(join(RESULTS, 'smoke-electron.json'), { force: true });
process.exitCode = await main();
