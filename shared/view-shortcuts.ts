/**
 * The renderer's views and their keys: the one list both the renderer's navigation (its side bar
 * and bare-key handling, renderer/src/nav.ts) and the Electron menu (electron/main/app-menu.ts)
 * are built from. The renderer handles these keys itself (bare keys outside text fields), in the
 * window and in a browser alike; the menu lists them without registering them, and a click sends
 * the same key to the window.
 */
export interface ViewShortcut {
  /** The renderer's view id. */
  readonly view: string;
  readonly label: string;
  /** A bare key, no modifier. */
  readonly key: string;
}

export const VIEW_SHORTCUTS = [
  { view: 'overview', label: 'Overview', key: '1' },
  { view: 'gates', label: 'Gates', key: '2' },
  { view: 'sessions', label: 'Sessions', key: '3' },
  { view: 'devices', label: 'Devices', key: '4' },
  { view: 'checkins', label: 'Check-ins', key: '5' },
  { view: 'alerts', label: 'Alerts', key: '6' },
  { view: 'quarantine', label: 'Quarantine', key: '7' },
  { view: 'reports', label: 'Reports', key: '8' },
  { view: 'team', label: 'Team', key: 't' },
  { view: 'log', label: 'Shift log', key: 'l' },
  { view: 'settings', label: 'Settings', key: '9' },
] as const satisfies ReadonlyArray<ViewShortcut>;

/** A view of the renderer. */
export type ViewId = (typeof VIEW_SHORTCUTS)[number]['view'];

/** Jumps to the check-ins view with the search field focused. */
export const SEARCH_SHORTCUT = {
  view: 'checkins',
  label: 'Search…',
  key: '/',
} as const satisfies ViewShortcut;
