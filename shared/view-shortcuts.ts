/**
 * The renderer's view keys, as the Electron menu shows them. The renderer handles these keys
 * itself (bare keys outside text fields; renderer/src/nav.ts), in the window and in a browser
 * alike; the menu lists them without registering them, and a click sends the same key to the
 * window. test/unit/electron/app-behaviour.test.ts keeps this list equal to the renderer's.
 */
export interface ViewShortcut {
  /** The renderer's view id. */
  readonly view: string;
  readonly label: string;
  /** A bare key, no modifier. */
  readonly key: string;
}

export const VIEW_SHORTCUTS: ReadonlyArray<ViewShortcut> = [
  { view: 'overview', label: 'Overview', key: '1' },
  { view: 'gates', label: 'Gates', key: '2' },
  { view: 'sessions', label: 'Sessions', key: '3' },
  { view: 'devices', label: 'Devices', key: '4' },
  { view: 'checkins', label: 'Check-ins', key: '5' },
  { view: 'alerts', label: 'Alerts', key: '6' },
  { view: 'quarantine', label: 'Quarantine', key: '7' },
  { view: 'reports', label: 'Reports', key: '8' },
  { view: 'settings', label: 'Settings', key: '9' },
];

/** Jumps to the check-ins view with the search field focused. */
export const SEARCH_SHORTCUT: ViewShortcut = { view: 'checkins', label: 'Search…', key: '/' };
