/**
 * The Gate Ops window: secure web preferences (context isolation, sandbox, no node, no webview),
 * restored size and position, shown once painted. Hardening of its webContents happens for every
 * webContents in index.ts ('web-contents-created').
 */
import { join } from 'node:path';
import { BrowserWindow, screen } from 'electron';
import type { RendererUrlPolicy } from './renderer-url-policy';
import {
  loadWindowState,
  MIN_SIZE,
  restoreBounds,
  trackWindowState,
  WINDOW_STATE_FILE_NAME,
  type WindowStateTracker,
} from './window-state';

export interface MainWindowOptions {
  readonly dataDir: string;
  readonly preloadPath: string;
  readonly policy: RendererUrlPolicy;
  readonly isDev: boolean;
}

export interface MainWindow {
  readonly win: BrowserWindow;
  readonly tracker: WindowStateTracker;
}

export async function createMainWindow(options: MainWindowOptions): Promise<MainWindow> {
  const stateFile = join(options.dataDir, WINDOW_STATE_FILE_NAME);
  const saved = await loadWindowState(stateFile);
  const bounds = restoreBounds(saved?.bounds, screen.getAllDisplays(), screen.getPrimaryDisplay());
  const win = new BrowserWindow({
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Gate Ops',
    backgroundColor: '#0f172a',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // A middle click must not open a new window (window.open is denied anyway).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: options.isDev,
    },
  });
  if (saved?.maximized) win.maximize();
  if (saved?.fullScreen) win.setFullScreen(true);
  win.once('ready-to-show', () => win.show());
  const tracker = trackWindowState(win, stateFile);
  const entry = options.policy.entry;
  if (entry.kind === 'url') await win.loadURL(entry.url);
  else await win.loadFile(entry.path);
  return { win, tracker };
}
