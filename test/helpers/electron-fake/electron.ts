/**
 * A faithful fake of the `electron` module for running the built main bundle (out/main/index.js)
 * under plain Node: a module-resolution hook maps `electron` to this file (see
 * run-built-main.ts), the bundle itself is loaded unchanged.
 *
 * It keeps the rules of the real thing that the app relies on or could get wrong:
 * `app.enableSandbox()` only before `ready`; no BrowserWindow, `session.defaultSession` or
 * `screen` before `ready`; `app.quit()` emits `before-quit` (preventable), closes the windows
 * without `window-all-closed`, then `will-quit` and `quit`; `web-contents-created` fires for each
 * new webContents; `loadFile` fails on a missing file. A window that loads a page runs its
 * preload in a `vm` context of its own (the isolated world), with the sandbox's `require`
 * (electron, events, timers, url only) and a contextBridge into a second context (the page's
 * main world); its `ipcRenderer` talks to the fake `ipcMain` with structured cloning, and
 * `invoke` rejects when main's handler throws, as Electron does.
 *
 * Everything the app did is recorded in `fake` for the test to read. Erasable TypeScript only:
 * Node runs this file as it is.
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { createContextBridge } from './context-bridge.ts';

type Listener = (...args: any[]) => unknown;

/** What the test reads and steers. */
export const fake = {
  ready: false,
  /** Set by the test before loading the bundle: another instance holds the lock. */
  lockHeldElsewhere: false,
  calls: [] as string[],
  sandboxEnabled: false,
  sandboxEnabledBeforeReady: false,
  singleInstanceLockRequests: 0,
  paths: new Map<string, string>(),
  applicationMenu: null as unknown,
  openedExternally: [] as string[],
  dialogs: [] as Array<{ kind: string; args: unknown[] }>,
  /** Notifications shown (`new Notification(options).show()`), in order. */
  notifications: [] as Array<{ title?: string; body?: string; urgency?: string }>,
  quit: null as null | { exitCode: number; via: 'quit' | 'exit' },
  beforeQuitEvents: 0,
  events: new EventEmitter(),
  /** Marks the app ready (Electron does this after the main script's first run). */
  becomeReady(): void {
    if (this.ready) return;
    this.ready = true;
    app.emit('ready', {}, {});
    readyResolve();
  },
  whenQuit(): Promise<{ exitCode: number; via: 'quit' | 'exit' }> {
    return this.quit
      ? Promise.resolve(this.quit)
      : new Promise((resolve) => this.events.once('quit', resolve));
  },
  whenWindowLoaded(): Promise<FakeBrowserWindow> {
    const loaded = windows.find((w) => w.loaded);
    return loaded
      ? Promise.resolve(loaded)
      : new Promise((resolve) => this.events.once('window-loaded', resolve));
  },
};

let readyResolve: () => void = () => undefined;
const readyPromise = new Promise<void>((resolve) => (readyResolve = resolve));

function requireReady(what: string): void {
  if (!fake.ready) throw new Error(`${what} cannot be used before the app is ready`);
}

// ---------------------------------------------------------------------------------------------
// app

class FakeApp extends EventEmitter {
  readonly name = 'gate-ops';
  readonly isPackaged = false;
  private quitting = false;

  enableSandbox(): void {
    fake.calls.push('app.enableSandbox');
    // Electron: "app.enableSandbox() can only be called before app is ready".
    if (fake.ready) throw new Error('app.enableSandbox() can only be called before app is ready');
    fake.sandboxEnabled = true;
    fake.sandboxEnabledBeforeReady = true;
  }
  setAppUserModelId(id: string): void {
    fake.calls.push(`app.setAppUserModelId ${id}`);
  }
  requestSingleInstanceLock(): boolean {
    fake.singleInstanceLockRequests += 1;
    fake.calls.push('app.requestSingleInstanceLock');
    return !fake.lockHeldElsewhere;
  }
  isReady(): boolean {
    return fake.ready;
  }
  whenReady(): Promise<void> {
    return readyPromise;
  }
  getPath(name: string): string {
    const set = fake.paths.get(name);
    if (set) return set;
    return join(tmpdir(), `fake-electron-${process.pid}`, name);
  }
  setPath(name: string, path: string): void {
    fake.calls.push(`app.setPath ${name}`);
    fake.paths.set(name, path);
  }
  getVersion(): string {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
      version: string;
    };
    return pkg.version;
  }
  relaunch(): void {
    fake.calls.push('app.relaunch');
  }
  quit(): void {
    fake.calls.push('app.quit');
    if (fake.quit || this.quitting) return;
    let prevented = false;
    fake.beforeQuitEvents += 1;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.quitting = true;
    // Electron closes every window first; window-all-closed is not emitted on this path.
    for (const win of [...windows]) win.destroyForQuit();
    let willQuitPrevented = false;
    this.emit('will-quit', { preventDefault: () => (willQuitPrevented = true) });
    if (willQuitPrevented) {
      this.quitting = false;
      return;
    }
    this.finish(0, 'quit');
  }
  exit(code = 0): void {
    fake.calls.push(`app.exit ${code}`);
    this.finish(code, 'exit');
  }
  private finish(exitCode: number, via: 'quit' | 'exit'): void {
    if (fake.quit) return;
    fake.quit = { exitCode, via };
    if (via === 'quit') this.emit('quit', {}, exitCode);
    fake.events.emit('quit', fake.quit);
  }
}

export const app = new FakeApp();

// ---------------------------------------------------------------------------------------------
// ipcMain and the page's ipcRenderer

interface Frame {
  url: string;
  readonly processId: number;
  readonly routingId: number;
}

type Handler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    // Electron: "Attempted to register a second handler for 'x'".
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, handler);
  }
  handleOnce(channel: string, handler: Handler): void {
    this.handle(channel, (...args) => {
      this.handlers.delete(channel);
      return handler(...args);
    });
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export const ipcMain = new FakeIpcMain();

/** The IPC event main sees: the sender and the frame that sent it (null once it is gone). */
function ipcEvent(contents: FakeWebContents, frame: Frame | null): Record<string, unknown> {
  return {
    sender: contents,
    senderFrame: frame,
    processId: frame?.processId ?? -1,
    frameId: frame?.routingId ?? -1,
  };
}

function createIpcRenderer(contents: FakeWebContents, frame: Frame): EventEmitter {
  const renderer = new EventEmitter() as EventEmitter & Record<string, unknown>;
  const current = (): Frame | null =>
    !contents.isDestroyed() && contents.mainFrame === frame ? frame : null;
  renderer['invoke'] = async (channel: string, ...args: unknown[]): Promise<unknown> => {
    const cloned = structuredClone(args);
    const handler = ipcMain.handlers.get(channel);
    if (!handler)
      throw new Error(
        `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
      );
    try {
      return structuredClone(await handler(ipcEvent(contents, current()), ...cloned));
    } catch (error) {
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
    }
  };
  renderer['send'] = (channel: string, ...args: unknown[]): void => {
    const cloned = structuredClone(args);
    // Asynchronous, as a real IPC message.
    setImmediate(() => ipcMain.emit(channel, ipcEvent(contents, current()), ...cloned));
  };
  renderer['sendSync'] = (): never => {
    throw new Error('sendSync is not used by Gate Ops');
  };
  return renderer;
}

// ---------------------------------------------------------------------------------------------
// webContents, the page and its preload

/** A loaded page: the main world (what the renderer's scripts see) and the preload's world. */
export interface FakePage {
  readonly url: string;
  readonly mainWorld: vm.Context & Record<string, any>;
  readonly isolatedWorld: vm.Context;
  readonly preloadError: string | null;
  readonly preloadRequires: string[];
}

/** What a sandboxed preload may require (Electron's sandbox polyfill). */
const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url']);

let nextContentsId = 1;
let nextRoutingId = 100;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  mainFrame: Frame = { url: 'about:blank', processId: 7, routingId: nextRoutingId++ };
  page: FakePage | null = null;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly inputEvents: unknown[] = [];
  private destroyed = false;
  private pageRenderer: EventEmitter | null = null;

  readonly webPreferences: Record<string, unknown>;

  constructor(webPreferences: Record<string, unknown>) {
    super();
    this.webPreferences = webPreferences;
  }
  get session(): FakeSession {
    return session.defaultSession;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const cloned = structuredClone(args);
    const renderer = this.pageRenderer;
    setImmediate(() =>
      renderer?.emit(channel, { sender: renderer, senderId: 0, ports: [] }, ...cloned),
    );
  }
  sendInputEvent(event: unknown): void {
    this.inputEvents.push(event);
  }
  reload(): void {
    if (this.page) void this.load(this.page.url);
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pageRenderer = null;
    this.emit('destroyed');
  }

  /** Navigates the main frame to `url` and runs the preload there, as a page load does. */
  async load(url: string): Promise<void> {
    // A navigation gets a new frame (routing id), as a cross-document navigation does.
    this.mainFrame = { url, processId: 7, routingId: nextRoutingId++ };
    const frame = this.mainFrame;
    const mainWorld = vm.createContext({ console }) as vm.Context & Record<string, any>;
    vm.runInContext('globalThis.window = globalThis;', mainWorld);
    const isolatedWorld = vm.createContext({
      console,
      crypto: globalThis.crypto,
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      setImmediate,
      clearImmediate,
      queueMicrotask,
      structuredClone,
      TextEncoder,
      TextDecoder,
      URL,
      URLSearchParams,
    });
    vm.runInContext('globalThis.window = globalThis;', isolatedWorld);
    const renderer = createIpcRenderer(this, frame);
    this.pageRenderer = renderer;
    const bridge = createContextBridge(isolatedWorld, mainWorld);
    const requires: string[] = [];
    let preloadError: string | null = null;
    const preload = this.webPreferences['preload'];
    const contextIsolation = this.webPreferences['contextIsolation'] !== false;
    if (typeof preload === 'string') {
      if (!existsSync(preload)) {
        // Electron logs "Unable to load preload script" and loads the page without it.
        preloadError = `Unable to load preload script: ${preload}`;
      } else {
        const electronForPreload = {
          contextBridge: {
            exposeInMainWorld: (key: string, api: unknown) => {
              if (!contextIsolation) {
                throw new Error(
                  'contextBridge API can only be used when contextIsolation is enabled',
                );
              }
              bridge.exposeInMainWorld(key, api);
            },
          },
          ipcRenderer: renderer,
        };
        const sandboxRequire = (name: string): unknown => {
          requires.push(name);
          if (!SANDBOX_MODULES.has(name)) throw new Error(`module not found: ${name}`);
          if (name === 'electron') return electronForPreload;
          return (globalThis as any).process.getBuiltinModule(name);
        };
        const module = { exports: {} as unknown };
        const wrapper = vm.runInContext(
          `(function (exports, require, module, __filename, __dirname) {${readFileSync(preload, 'utf8')}\n})`,
          isolatedWorld,
          { filename: preload },
        ) as (...args: unknown[]) => void;
        try {
          wrapper(module.exports, sandboxRequire, module, preload, join(preload, '..'));
        } catch (error) {
          preloadError = `the preload threw: ${String(error)}`;
        }
      }
    }
    this.page = { url, mainWorld, isolatedWorld, preloadError, preloadRequires: requires };
    this.emit('dom-ready');
    this.emit('did-finish-load');
  }
}

// ---------------------------------------------------------------------------------------------
// BrowserWindow

const windows: FakeBrowserWindow[] = [];
let nextWindowId = 1;
let focusedId = 0;

export class FakeBrowserWindow extends EventEmitter {
  readonly id = nextWindowId++;
  readonly webContents: FakeWebContents;
  readonly options: Record<string, any>;
  loaded = false;
  visible = false;
  private destroyed = false;
  private maximized = false;
  private fullScreen = false;
  private minimized = false;
  private bounds: { x: number; y: number; width: number; height: number };

  static getAllWindows(): FakeBrowserWindow[] {
    return [...windows];
  }
  static getFocusedWindow(): FakeBrowserWindow | null {
    return windows.find((w) => w.id === focusedId) ?? null;
  }

  constructor(options: Record<string, any> = {}) {
    super();
    requireReady('BrowserWindow');
    this.options = structuredClone(options);
    this.bounds = {
      x: options['x'] ?? 0,
      y: options['y'] ?? 0,
      width: options['width'] ?? 800,
      height: options['height'] ?? 600,
    };
    this.webContents = new FakeWebContents(this.options['webPreferences'] ?? {});
    windows.push(this);
    focusedId = this.id;
    app.emit('web-contents-created', { preventDefault: () => undefined }, this.webContents);
    app.emit('browser-window-created', {}, this);
  }
  async loadFile(path: string): Promise<void> {
    if (!existsSync(path))
      throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${pathToFileURL(path).href}'`);
    await this.loadURL(pathToFileURL(path).href);
  }
  async loadURL(url: string): Promise<void> {
    await this.webContents.load(url);
    this.loaded = true;
    this.emit('ready-to-show');
    fake.events.emit('window-loaded', this);
  }
  show(): void {
    this.visible = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  focus(): void {
    focusedId = this.id;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  maximize(): void {
    this.maximized = true;
    this.emit('maximize');
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  setFullScreen(on: boolean): void {
    this.fullScreen = on;
  }
  isFullScreen(): boolean {
    return this.fullScreen;
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds };
  }
  getBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds };
  }
  /** What the user's close button does. */
  close(): void {
    if (this.destroyed) return;
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroyNow();
    if (windows.length === 0) app.emit('window-all-closed');
  }
  /** app.quit() closes windows without window-all-closed. */
  destroyForQuit(): void {
    if (this.destroyed) return;
    this.emit('close', { preventDefault: () => undefined });
    this.destroyNow();
  }
  private destroyNow(): void {
    this.destroyed = true;
    windows.splice(windows.indexOf(this), 1);
    if (focusedId === this.id) focusedId = windows.at(-1)?.id ?? 0;
    this.webContents.destroy();
    this.emit('closed');
  }
}

export const BrowserWindow = FakeBrowserWindow;

// ---------------------------------------------------------------------------------------------
// session

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
) => void;

export class FakeSession {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  devicePermissionHandler: Listener | null = null;
  headersReceived: HeadersListener | null = null;
  readonly webRequest = {
    onHeadersReceived: (...args: unknown[]): void => {
      // (filter, listener) or (listener); a second call replaces the first, as in Electron.
      const listener = args.at(-1);
      this.headersReceived = typeof listener === 'function' ? (listener as HeadersListener) : null;
    },
  };
  setPermissionRequestHandler(handler: Listener | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Listener | null): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: Listener | null): void {
    this.devicePermissionHandler = handler;
  }
}

const defaultSession = new FakeSession();
export const session = {
  get defaultSession(): FakeSession {
    requireReady('session.defaultSession');
    return defaultSession;
  },
};

// ---------------------------------------------------------------------------------------------
// The smaller modules

export const screen = {
  getAllDisplays(): Array<{
    id: number;
    workArea: { x: number; y: number; width: number; height: number };
  }> {
    requireReady('screen');
    return [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }];
  },
  getPrimaryDisplay(): {
    id: number;
    workArea: { x: number; y: number; width: number; height: number };
  } {
    requireReady('screen');
    return { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
  },
};

export const Menu = {
  buildFromTemplate(template: unknown[]): { items: unknown[] } {
    return { items: template };
  },
  setApplicationMenu(menu: unknown): void {
    fake.applicationMenu = menu;
  },
};

export const net = {
  isOnline: (): boolean => true,
};

export const powerMonitor = new EventEmitter();

/** A keychain that works (Keychain/DPAPI/libsecret): strings round-trip, encrypted at rest. */
export const safeStorage = {
  isEncryptionAvailable: (): boolean => fake.ready,
  getSelectedStorageBackend: (): string => 'gnome_libsecret',
  encryptString(text: string): Buffer {
    if (!fake.ready) throw new Error('safeStorage cannot be used before the app is ready');
    return Buffer.concat([Buffer.from('fake-v1:'), Buffer.from(text, 'utf8').map((b) => b ^ 0x5a)]);
  },
  decryptString(data: Buffer): string {
    const head = Buffer.from('fake-v1:');
    if (!data.subarray(0, head.length).equals(head))
      throw new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString.',
      );
    return Buffer.from(data.subarray(head.length).map((b) => b ^ 0x5a)).toString('utf8');
  },
};

export const shell = {
  async openExternal(url: string): Promise<void> {
    fake.openedExternally.push(url);
  },
};

/** Electron's Notification: usable only once the app is ready; `show()` records it. */
export class Notification extends EventEmitter {
  static isSupported(): boolean {
    return true;
  }
  readonly options: { title?: string; body?: string; urgency?: string };
  constructor(options: { title?: string; body?: string; urgency?: string } = {}) {
    super();
    requireReady('Notification');
    this.options = { ...options };
  }
  show(): void {
    fake.notifications.push(this.options);
    this.emit('show');
  }
  close(): void {
    this.emit('close');
  }
}

export const dialog = {
  showErrorBox(title: string, content: string): void {
    fake.dialogs.push({ kind: 'showErrorBox', args: [title, content] });
  },
  showMessageBoxSync(...args: unknown[]): number {
    fake.dialogs.push({ kind: 'showMessageBoxSync', args });
    return 1;
  },
  async showSaveDialog(...args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> {
    fake.dialogs.push({ kind: 'showSaveDialog', args });
    return { canceled: true };
  },
};

export default {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  Notification,
  powerMonitor,
  safeStorage,
  screen,
  session,
  shell,
};
