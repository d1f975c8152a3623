/**
 * The application menu: the usual roles (Edit, View zoom and full screen, Window, Help → About),
 * reload and developer tools only in development, and a Go menu for the view shortcuts of
 * shared/view-shortcuts.ts. The renderer owns those keys (so they work in a browser too): the menu
 * shows them without registering them, and a click sends the same key press to the window.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { SEARCH_SHORTCUT, VIEW_SHORTCUTS, type ViewShortcut } from '../../shared/view-shortcuts';

export interface MenuOptions {
  readonly isMac: boolean;
  readonly isDev: boolean;
  readonly appName: string;
  /** Sends the shortcut's key press to the focused Gate Ops window. */
  readonly sendShortcut: (shortcut: ViewShortcut) => void;
}

export function acceleratorOf(shortcut: ViewShortcut): string {
  return shortcut.key.toUpperCase();
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { isMac, isDev } = options;
  const sep: MenuItemConstructorOptions = { type: 'separator' };
  const template: MenuItemConstructorOptions[] = [];

  if (isMac) {
    template.push({
      label: options.appName,
      submenu: [
        { role: 'about' },
        sep,
        { role: 'services' },
        sep,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        sep,
        { role: 'quit' },
      ],
    });
  }

  template.push({ label: '&File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] });

  template.push({
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(isMac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      sep,
      { role: 'selectAll' },
    ],
  });

  template.push({
    label: '&View',
    submenu: [
      // Reloading drops the live view state; supervisors have no use for it in production.
      ...(isDev
        ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, sep] as const)
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
    ],
  });

  template.push({
    label: '&Go',
    submenu: [...VIEW_SHORTCUTS, SEARCH_SHORTCUT].map((shortcut) => ({
      label: shortcut.label,
      accelerator: acceleratorOf(shortcut),
      // Bare keys belong to the page (it ignores them while the user types in a field).
      registerAccelerator: false,
      click: () => options.sendShortcut(shortcut),
    })),
  });

  template.push({
    label: '&Window',
    role: 'window',
    submenu: isMac
      ? [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  });

  template.push({
    label: '&Help',
    role: 'help',
    submenu: [{ role: 'about', label: `About ${options.appName}` }],
  });

  return template;
}

/** The key events that make the renderer see the shortcut, for webContents.sendInputEvent. */
export function shortcutInputEvents(
  shortcut: ViewShortcut,
): Array<{ type: 'keyDown' | 'keyUp'; keyCode: string }> {
  return [
    { type: 'keyDown', keyCode: shortcut.key },
    { type: 'keyUp', keyCode: shortcut.key },
  ];
}
