/**
 * Runs the built main bundle (out/main/index.js) under plain Node 24 with the fake `electron`
 * module (electron.ts) put in place by a module-resolution hook; the bundle is loaded as it is.
 * Then it does what a user's first start does and writes what it saw to a JSON report for the
 * test (test/integration/electron/main/built-app.test.ts) to judge:
 *
 *   node test/helpers/electron-fake/run-built-main.ts --report FILE [--scenario start|locked]
 *
 * `start`: the app becomes ready, its window loads the built renderer's index.html and runs the
 * built preload (out/preload/index.cjs) in a vm context; through the page's `window.gateOps` it
 * makes real calls and a real subscription against the core on GATE_OPS_DATA_DIR (the demo
 * relay), exercises the hardening handlers and the CSP header, then quits like the user does.
 * `locked`: another instance holds the single-instance lock; the app must leave at once.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type * as FakeElectronModule from './electron.ts';

const { values } = parseArgs({
  options: { report: { type: 'string' }, scenario: { type: 'string', default: 'start' } },
});
if (!values.report) throw new Error('--report FILE is required');
const ROOT = join(import.meta.dirname, '..', '..', '..');
const FAKE_URL = new URL('./electron.ts', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron') return { url: FAKE_URL, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});

type FakeElectron = typeof FakeElectronModule;
// The same module instance the bundle gets: the hook resolves both imports to one URL.
const electron = (await import('electron' as string)) as FakeElectron;
const { fake, app, ipcMain, BrowserWindow, FakeWebContents } = electron;
fake.lockHeldElsewhere = values.scenario === 'locked';

const report: Record<string, unknown> = { scenario: values.scenario };
const save = (): void => writeFileSync(values.report as string, JSON.stringify(report, null, 2));
const fatal = (where: string, error: unknown): never => {
  report['fatal'] =
    `${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  save();
  process.exit(1);
};
process.on('unhandledRejection', (error) => fatal('unhandled rejection', error));

try {
  await import(pathToFileURL(join(ROOT, 'out', 'main', 'index.js')).href);
} catch (error) {
  fatal('loading out/main/index.js', error);
}
report['callsBeforeReady'] = [...fake.calls];
report['paths'] = Object.fromEntries(fake.paths);
fake.becomeReady();

if (values.scenario === 'locked') {
  const quit = await fake.whenQuit();
  // Give a wrongly started core the chance to show itself before looking.
  await new Promise((resolve) => setImmediate(resolve));
  report['quit'] = quit;
  report['windows'] = BrowserWindow.getAllWindows().length;
  report['ipcHandlers'] = ipcMain.handlers.size;
  report['dataFiles'] = existsSync(app.getPath('userData'))
    ? readdirSync(app.getPath('userData'))
    : [];
  report['dialogs'] = fake.dialogs;
  save();
  process.exit(0);
}

let shown = false;
void fake.whenQuit().then((q) => {
  if (!shown)
    fatal('the app quit before showing its window', JSON.stringify({ q, dialogs: fake.dialogs }));
});
const win = await fake.whenWindowLoaded();
shown = true;
const contents = win.webContents;
const page = contents.page;
if (!page) throw new Error('no page');

const preload = (win.options['webPreferences'] ?? {})['preload'];
report['sandboxEnabledBeforeReady'] = fake.sandboxEnabledBeforeReady;
report['singleInstanceLockRequests'] = fake.singleInstanceLockRequests;
report['calls'] = [...fake.calls];
report['window'] = {
  options: win.options,
  preloadExists: typeof preload === 'string' && existsSync(preload),
  visible: win.isVisible(),
};
report['page'] = {
  url: page.url,
  preloadError: page.preloadError,
  preloadRequires: page.preloadRequires,
};
report['applicationMenu'] = fake.applicationMenu !== null;

// --- hardening, exercised on the window's webContents and on one created later ---------------
interface Prevented {
  prevented: boolean;
  preventDefault(): void;
  isMainFrame?: boolean;
}
const event = (extra: Partial<Prevented> = {}): Prevented => {
  const e: Prevented = {
    prevented: false,
    preventDefault() {
      e.prevented = true;
    },
    ...extra,
  };
  return e;
};
const hardening = (wc: InstanceType<typeof FakeWebContents>): Record<string, unknown> => {
  const external = event();
  wc.emit('will-navigate', external, 'https://example.org/help');
  const local = event();
  wc.emit('will-navigate', local, 'file:///etc/passwd');
  const redirect = event();
  wc.emit('will-redirect', redirect, 'https://example.org/');
  const subFrame = event({ isMainFrame: false });
  wc.emit('will-frame-navigate', subFrame);
  const webview = event();
  wc.emit('will-attach-webview', webview, {}, {});
  return {
    listeners: Object.fromEntries(
      ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview'].map((n) => [
        n,
        wc.listenerCount(n),
      ]),
    ),
    httpsNavigationPrevented: external.prevented,
    fileNavigationPrevented: local.prevented,
    redirectPrevented: redirect.prevented,
    subFrameNavigationPrevented: subFrame.prevented,
    webviewPrevented: webview.prevented,
    windowOpen: wc.windowOpenHandler?.({ url: 'https://example.org/popup' }) ?? null,
    windowOpenFile: wc.windowOpenHandler?.({ url: 'file:///etc/passwd' }) ?? null,
  };
};
const openedBefore = fake.openedExternally.length;
const later = new FakeWebContents({});
app.emit('web-contents-created', {}, later);
report['hardening'] = { window: hardening(contents), later: hardening(later) };
await new Promise((resolve) => setImmediate(resolve));
report['openedExternally'] = fake.openedExternally.slice(openedBefore);

const ses = electron.session.defaultSession;
const permission = await new Promise<boolean>((resolve) => {
  if (!ses.permissionRequestHandler) return resolve(true);
  ses.permissionRequestHandler(contents, 'media', resolve, { requestingUrl: page.url });
});
let headers: Record<string, string[]> | undefined;
ses.headersReceived?.(
  {
    url: page.url,
    responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] },
  },
  (response) => (headers = response.responseHeaders),
);
report['session'] = {
  permissionGranted: permission,
  permissionCheck: ses.permissionCheckHandler?.(contents, 'notifications', page.url, {}) ?? null,
  devicePermission: ses.devicePermissionHandler?.({ deviceType: 'hid' }) ?? null,
  responseHeaders: headers ?? null,
};

// --- the API, through the page's window.gateOps ----------------------------------------------
const gateOps = page.mainWorld['gateOps'] as Record<string, (...args: any[]) => any> | undefined;
if (!gateOps) fatal('window.gateOps', `missing; preload: ${page.preloadError ?? 'ran'}`);
const api = gateOps as Record<string, (...args: any[]) => any>;
const mainWorldObject = vm.runInContext('Object.prototype', page.mainWorld) as object;
const isPageObject = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === mainWorldObject;
report['gateOpsMethods'] = Object.keys(api).sort();
report['hasIpcRenderer'] = 'ipcRenderer' in page.mainWorld || 'require' in page.mainWorld;

/** A rejection is recorded, not thrown: the test shows what the page would have caught. */
const settle = async (p: Promise<any> | undefined): Promise<any> => {
  try {
    return await p;
  } catch (error) {
    const e = error as { message?: unknown; code?: unknown };
    return { rejectedWith: { message: e?.message, code: e?.code ?? null } };
  }
};
report['appInfo'] = await settle(api['getAppInfo']?.({}));

let unsubscribes = 0;
ipcMain.on('gateops:unsubscribe', () => (unsubscribes += 1));
const overviewEvents: any[] = [];
const subscriptionErrors: unknown[] = [];
let stop: (() => void) | undefined;
const withCheckIns = await new Promise<any>((resolve) => {
  stop = api['watchOverview']?.(
    {},
    (overview: any) => {
      overviewEvents.push(overview);
      if (overview.totals.checkins > 0) resolve(overview);
    },
    (error: unknown) => subscriptionErrors.push(error),
  );
});
stop?.();
const queried = await settle(api['getOverview']?.({}));
report['subscription'] = {
  events: overviewEvents.length,
  firstWithCheckIns: withCheckIns.totals,
  eventIsPageObject: isPageObject(withCheckIns),
  errors: subscriptionErrors,
};
report['overview'] = { ok: queried.ok, totals: queried.value?.totals };

const refusedQuery = await settle(api['getGates']?.({ nope: 1 }));
report['queryError'] = {
  result: refusedQuery,
  errorIsPageObject: isPageObject(refusedQuery?.error),
};
const refusedSubscription = await new Promise<unknown>((resolve) => {
  api['watchGates']?.({ nope: 1 }, () => resolve('an event instead of an error'), resolve);
});
report['subscriptionError'] = {
  error: refusedSubscription,
  errorIsPageObject: isPageObject(refusedSubscription),
};
// The unsubscribe is an IPC message: wait for main to have it.
while (unsubscribes === 0) await new Promise((resolve) => setImmediate(resolve));
report['unsubscribesSeenByMain'] = unsubscribes;

// --- quit, as from the menu --------------------------------------------------------------------
report['ipcHandlersBeforeQuit'] = ipcMain.handlers.size;
report['lastSeenCheckIns'] = Math.max(
  queried.value?.totals.checkins ?? 0,
  ...overviewEvents.map((o) => o.totals.checkins as number),
);
app.quit();
report['quit'] = await fake.whenQuit();
report['beforeQuitEvents'] = fake.beforeQuitEvents;
report['ipcHandlersAfterQuit'] = ipcMain.handlers.size;
report['windowsAfterQuit'] = BrowserWindow.getAllWindows().length;
report['dialogs'] = fake.dialogs;
save();
// Electron ends the process after `quit`; so does this stand-in.
process.exit(0);
