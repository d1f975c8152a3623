/**
 * Keyboard shortcuts for the app's views, shared by the renderer (which handles the keys, in the
 * Electron window and in a browser alike) and the Electron menu (which shows them and, when a
 * menu item is clicked, sends the same key to the renderer). Pure data and one matcher.
 */
export interface ViewShortcut {
  /** The view the renderer shows (its route name). */
  readonly view: string;
  readonly label: string;
  /** With the platform's primary modifier: Cmd on macOS, Ctrl elsewhere. */
  readonly key: string;
}

export const VIEW_SHORTCUTS: ReadonlyArray<ViewShortcut> = [
  { view: 'overview', label: 'Overview', key: '1' },
  { view: 'gates', label: 'Gates', key: '2' },
  { view: 'sessions', label: 'Scanner sessions', key: '3' },
  { view: 'devices', label: 'Devices', key: '4' },
  { view: 'alerts', label: 'Alerts', key: '5' },
  { view: 'checkins', label: 'Search check-ins', key: 'f' },
  { view: 'quarantine', label: 'Quarantine', key: '6' },
  { view: 'reports', label: 'Reports', key: '7' },
  { view: 'settings', label: 'Settings', key: ',' },
];

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

/** The shortcut a key press means, or undefined. `isMac` picks Cmd over Ctrl. */
export function matchViewShortcut(event: KeyLike, isMac: boolean): ViewShortcut | undefined {
  const primary = isMac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!primary || event.altKey || event.shiftKey) return undefined;
  const key = event.key.toLowerCase();
  return VIEW_SHORTCUTS.find((s) => s.key === key);
}
