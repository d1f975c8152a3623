/**
 * Electron main entry: the thin glue that shows the app in a window. The app itself is composed
 * by electron/app (the same composition headless mode runs); this folder adds only what touches
 * Electron: the window, the IPC binding, hardening, menu, dialogs, safeStorage. With preload, the
 * only folder that imports `electron`; it imports app/ (and the api/, reports/, settings/ types
 * it plugs into), files/, storage/ (its errors) and shared/.
 */
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  net,
  Notification,
  powerMonitor,
  safeStorage,
  session,
  shell,
} from 'electron';
import { defaultDataDir, startApp, type GateOpsApp } from '../app';
import { buildMenuTemplate, shortcutInputEvents } from './app-menu';
import { installCleanShutdown } from './clean-shutdown';
import { contentSecurityPolicy } from './content-security-policy';
import { hardenSession, hardenWebContents } from './harden-web-contents';
import { bindIpc } from './ipc-binding';
import { createMainWindow, type MainWindow } from './main-window';
import { watchReconnectTriggers } from './reconnect-triggers';
import { createRendererUrlPolicy } from './renderer-url-policy';
import {
  createSafeStorageSecretStore,
  ENCRYPTED_NATS_SECRET_FILE_NAME,
  ENCRYPTED_TOKEN_FILE_NAME,
} from './safe-storage-secret-store';
import { showCriticalNotifications } from './desktop-notifications';
import { createSaveDialog } from './save-dialog';
import { reportStartupFailure as fatal } from './startup-failure';

const isMac = process.platform === 'darwin';
const isDev = !app.isPackaged;
const devServerUrl = isDev ? process.env['ELECTRON_RENDERER_URL'] : undefined;

// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();
// Windows groups the taskbar entry and the installer's shortcut by this id (electron-builder.yml).
if (process.platform === 'win32') app.setAppUserModelId('com.gateops.desktop');
// One data folder for the window, headless mode and the gate-ops command ($GATE_OPS_DATA_DIR,
// else the OS's per-user folder), so `gate-ops stats` reads what the window writes. Chromium's
// own files (cache, local storage) stay in a subfolder. Before the single-instance lock, which
// lives in userData.
const dataFolder = defaultDataDir();
app.setPath('userData', dataFolder);
app.setPath('sessionData', join(dataFolder, 'chromium'));

app.on('web-contents-created', (_event, contents) => {
  hardenWebContents(contents, { openExternal: (url) => shell.openExternal(url) });
});

if (!app.requestSingleInstanceLock()) {
  // Another Gate Ops runs on this data folder: it gets focused (below) and this one leaves.
  app.quit();
} else {
  void app.whenReady().then(start).catch(fatal);
}

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  const policy = createRendererUrlPolicy({
    indexHtmlPath: join(import.meta.dirname, '../renderer/index.html'),
    devServerUrl,
  });
  const csp = contentSecurityPolicy({
    devServerOrigin: policy.entry.kind === 'url' ? new URL(policy.entry.url).origin : undefined,
  });
  hardenSession(session.defaultSession, { csp });

  let main: MainWindow | null = null;
  const host: GateOpsApp = await startApp({
    dataDir,
    host: 'electron',
    secrets: createSafeStorageSecretStore({
      safeStorage,
      file: join(dataDir, ENCRYPTED_TOKEN_FILE_NAME),
    }),
    // The NATS password, creds or seed: encrypted by the OS keychain like the relay token.
    natsSecrets: createSafeStorageSecretStore({
      safeStorage,
      file: join(dataDir, ENCRYPTED_NATS_SECRET_FILE_NAME),
      label: 'NATS secret',
    }),
    saveDialog: createSaveDialog(
      () => (main && !main.win.isDestroyed() ? main.win : null),
      () => app.getPath('documents'),
    ),
    // A new relay means new data: the page re-subscribes from scratch.
    onRestarted: () => {
      if (main && !main.win.isDestroyed()) main.win.webContents.reload();
    },
    onCriticalAlerts: (alerts) =>
      showCriticalNotifications(Notification, alerts, () => {
        if (!main || main.win.isDestroyed()) return;
        if (main.win.isMinimized()) main.win.restore();
        main.win.focus();
      }),
  });
  const binding = bindIpc({
    ipc: ipcMain,
    router: host.api,
    isOurWebContents: (contents) =>
      main !== null && !main.win.isDestroyed() && contents.id === main.win.webContents.id,
    isAppUrl: policy.isAppUrl,
  });

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        isMac,
        isDev,
        appName: app.name,
        sendShortcut: (shortcut) => {
          const contents = BrowserWindow.getFocusedWindow()?.webContents;
          for (const e of shortcutInputEvents(shortcut)) contents?.sendInputEvent(e);
        },
      }),
    ),
  );

  const openWindow = async (): Promise<void> => {
    main = await createMainWindow({
      dataDir,
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      policy,
      isDev,
    });
  };
  app.on('second-instance', () => {
    if (!main || main.win.isDestroyed()) return void openWindow().catch(fatal);
    if (main.win.isMinimized()) main.win.restore();
    main.win.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow().catch(fatal);
  });
  // On macOS the app (and the relay link) keeps running with no window, as Mac apps do.
  app.on('window-all-closed', () => {
    if (!isMac) app.quit();
  });

  const stopTriggers = watchReconnectTriggers({
    powerMonitor,
    isOnline: () => net.isOnline(),
    reconnectNow: () => host.reconnectNow(),
  });
  // Logging out or shutting down (Linux, macOS): delay it so the batch being written finishes.
  // (The typings omit the event Electron passes; its preventDefault asks the OS to wait.)
  powerMonitor.on('shutdown', (...args: unknown[]) => {
    (args[0] as { preventDefault?: () => void } | undefined)?.preventDefault?.();
    app.quit();
  });
  installCleanShutdown(app, async () => {
    stopTriggers();
    await main?.tracker.flush();
    binding.dispose();
    await host.close();
  });
  await openWindow();
}
