/**
 * The built bundles, not the sources: out/main/index.js runs under Node with a faithful fake of
 * the `electron` module (test/helpers/electron-fake; a module-resolution hook, the bundle is not
 * touched), and its window runs the built out/preload/index.cjs in a vm context. What a real
 * start does is checked from outside: the single-instance lock, the sandbox, the window's
 * options, the hardening handlers, the CSP header, a real call and a real subscription through
 * the page's `window.gateOps` against the core on a temp data folder (demo relay), errors that
 * keep their code across the contextBridge, and a quit after which the store holds the data.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../../electron/main/content-security-policy';
import { apiMethods } from '../../../../shared/api';
import { runCli } from '../../../helpers/cli';
import { tempDir } from '../../../helpers/relay';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const HARNESS = join(ROOT, 'test', 'helpers', 'electron-fake', 'run-built-main.ts');

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

/** Runs the harness on a fresh data folder; resolves with its report and the folder. */
async function runBuiltMain(
  scenario: 'start' | 'locked',
): Promise<{ report: any; dataDir: string; output: string }> {
  const { dir, cleanup } = tempDir('gate-ops-built-');
  cleanups.push(cleanup);
  const reportFile = join(dir, 'report.json');
  const dataDir = join(dir, 'data');
  const child = spawn(process.execPath, [HARNESS, '--report', reportFile, '--scenario', scenario], {
    cwd: ROOT,
    env: { ...process.env, GATE_OPS_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : null;
  if (code !== 0 || report === null || report.fatal) {
    throw new Error(`the built app failed (exit ${code}): ${report?.fatal ?? ''}\n${output}`);
  }
  return { report, dataDir, output };
}

describe('the built app under a fake electron', () => {
  it(
    'starts as a real start does, serves the API through the built preload, and quits cleanly',
    { timeout: 120_000 },
    async () => {
      const { report: r, dataDir, output } = await runBuiltMain('start');

      // Before ready: the sandbox for every renderer, the data folder, the single-instance lock.
      expect(r.callsBeforeReady).toEqual(
        expect.arrayContaining(['app.enableSandbox', 'app.requestSingleInstanceLock']),
      );
      expect(r.sandboxEnabledBeforeReady).toBe(true);
      // The folder the gate-ops command reads too; Chromium's own files in a subfolder.
      expect(r.paths).toEqual({ userData: dataDir, sessionData: join(dataDir, 'chromium') });
      expect(r.singleInstanceLockRequests).toBe(1);

      // The window: isolated, sandboxed, no Node, the built preload (which exists on disk).
      const prefs = r.window.options.webPreferences;
      expect(prefs).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webviewTag: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
      });
      expect(prefs.preload).toBe(join(ROOT, 'out', 'preload', 'index.cjs'));
      expect(r.window.preloadExists).toBe(true);
      expect(r.window.options.show).toBe(false); // shown once painted
      expect(r.window.visible).toBe(true);
      expect(r.page.url).toBe(`file://${join(ROOT, 'out', 'renderer', 'index.html')}`);
      expect(r.page.preloadError).toBeNull();
      expect(r.page.preloadRequires).toEqual(['electron']);
      expect(r.applicationMenu).toBe(true);

      // Hardening on the window's webContents and on any webContents created later.
      for (const h of [r.hardening.window, r.hardening.later]) {
        expect(Object.values(h.listeners)).toEqual([1, 1, 1, 1]);
        expect(h).toMatchObject({
          httpsNavigationPrevented: true,
          fileNavigationPrevented: true,
          redirectPrevented: true,
          subFrameNavigationPrevented: true,
          webviewPrevented: true,
          windowOpen: { action: 'deny' },
          windowOpenFile: { action: 'deny' },
        });
      }
      // Only https links leave the app, to the system browser.
      expect(r.openedExternally.every((u: string) => u.startsWith('https://'))).toBe(true);
      expect(r.openedExternally).toHaveLength(4);
      expect(r.session).toMatchObject({
        permissionGranted: false,
        permissionCheck: false,
        devicePermission: false,
      });
      // The strict production CSP replaces whatever the response carried.
      expect(r.session.responseHeaders).toEqual({
        'X-Other': ['1'],
        'Content-Security-Policy': [contentSecurityPolicy()],
      });
      expect(r.session.responseHeaders['Content-Security-Policy'][0]).toMatch(/script-src 'self';/);

      // window.gateOps: exactly the named methods, no IPC primitive in the page.
      expect(r.gateOpsMethods).toEqual(Object.keys(apiMethods).sort());
      expect(r.hasIpcRenderer).toBe(false);
      expect(r.appInfo).toEqual({
        ok: true,
        value: { version: expect.any(String), host: 'electron', demo: true, dataDir },
      });
      expect(output).toContain('SIMULATED data from the built-in demo relay');

      // A real subscription: events arrive in the page until check-ins are there.
      expect(r.subscription.errors).toEqual([]);
      expect(r.subscription.eventIsPageObject).toBe(true);
      expect(r.subscription.firstWithCheckIns.checkins).toBeGreaterThan(0);
      expect(r.overview.ok).toBe(true);
      expect(r.overview.totals.checkins).toBeGreaterThanOrEqual(
        r.subscription.firstWithCheckIns.checkins,
      );
      expect(r.unsubscribesSeenByMain).toBe(1);

      // Errors cross the contextBridge as data and keep their code (and field issues).
      expect(r.queryError.result).toMatchObject({
        ok: false,
        error: {
          code: 'bad_request',
          issues: [expect.objectContaining({ message: expect.stringContaining('nope') })],
        },
      });
      expect(r.queryError.errorIsPageObject).toBe(true);
      expect(r.subscriptionError.error).toMatchObject({ code: 'bad_request' });
      expect(r.subscriptionError.errorIsPageObject).toBe(true);

      // Quit: the first before-quit is held for the clean close, the second goes through.
      expect(r.ipcHandlersBeforeQuit).toBeGreaterThan(0);
      expect(r.quit).toEqual({ exitCode: 0, via: 'quit' });
      expect(r.beforeQuitEvents).toBe(2);
      expect(r.ipcHandlersAfterQuit).toBe(0);
      expect(r.windowsAfterQuit).toBe(0);
      expect(r.dialogs).toEqual([]);

      // The store holds at least everything the page was shown.
      const stats = await runCli(['stats', '--demo', '--json', '--data-dir', dataDir]);
      expect(stats.code).toBe(0);
      const stored = JSON.parse(stats.stdout);
      expect(stored.checkins).toBeGreaterThanOrEqual(r.lastSeenCheckIns);
      expect(r.lastSeenCheckIns).toBeGreaterThan(0);
    },
  );

  it(
    'leaves at once when another instance holds the single-instance lock',
    { timeout: 60_000 },
    async () => {
      const { report: r } = await runBuiltMain('locked');
      expect(r.callsBeforeReady).toContain('app.quit');
      expect(r.quit).toEqual({ exitCode: 0, via: 'quit' });
      expect(r.windows).toBe(0);
      expect(r.ipcHandlers).toBe(0);
      // No core was started: nothing was written to the data folder.
      expect(r.dataFiles).toEqual([]);
    },
  );
});
