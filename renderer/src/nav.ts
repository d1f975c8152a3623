/**
 * Where the supervisor is: the view and the drill-down filters it carries, written to the URL's
 * hash so every view and filter is a history entry (browser Back, Backspace and Alt+← move
 * between them inside the app) and a reload stays where it was.
 */
import type { GateOpsApi } from '../../shared/api/methods';
import { SEARCH_SHORTCUT, VIEW_SHORTCUTS, type ViewId } from '../../shared/view-shortcuts';

export type { ViewId };

/** The views in side-bar order, with their keys (shared with the Electron menu). */
export const VIEWS = VIEW_SHORTCUTS;

export interface Nav {
  readonly view: ViewId;
  readonly gate?: string | undefined;
  readonly deviceId?: string | undefined;
  readonly sessionId?: string | undefined;
  readonly text?: string | undefined;
  /** A tab inside the view (alerts: history / outages; quarantine: conflicts). */
  readonly tab?: string | undefined;
  /** Check-ins: re-entries only. */
  readonly reentries?: boolean | undefined;
}

export type Navigate = (nav: Nav) => void;

/** The props of a view that reads its drill-down filters from `nav` and can navigate on. */
export interface DrillDownViewProps {
  api: GateOpsApi;
  nav: Nav;
  navigate: Navigate;
}

/** What a bare key press does: open a view, or (`search`) open it with the search field focused. */
export interface KeyCommand {
  readonly view: ViewId;
  readonly search: boolean;
}

export function keyCommand(key: string): KeyCommand | undefined {
  const shortcut = VIEWS.find((v) => v.key === key);
  if (shortcut) return { view: shortcut.view, search: false };
  if (key === SEARCH_SHORTCUT.key) return { view: SEARCH_SHORTCUT.view, search: true };
  return undefined;
}

const FIELDS = ['gate', 'deviceId', 'sessionId', 'text', 'tab'] as const;

export function navToHash(nav: Nav): string {
  const q = new URLSearchParams();
  for (const f of FIELDS) {
    const v = nav[f];
    if (v !== undefined) q.set(f, v);
  }
  if (nav.reentries) q.set('reentries', '1');
  const s = q.toString();
  return `#/${nav.view}${s ? `?${s}` : ''}`;
}

export function hashToNav(hash: string): Nav | null {
  const m = /^#\/([a-z]+)(?:\?(.*))?$/.exec(hash);
  if (!m) return null;
  const view = VIEWS.find((v) => v.view === m[1])?.view;
  if (!view) return null;
  const q = new URLSearchParams(m[2] ?? '');
  const nav: { -readonly [K in keyof Nav]: Nav[K] } = { view };
  for (const f of FIELDS) {
    const v = q.get(f);
    if (v !== null) nav[f] = v;
  }
  if (q.get('reentries') === '1') nav.reentries = true;
  return nav;
}

export const sameNav = (a: Nav, b: Nav): boolean => navToHash(a) === navToHash(b);

/** Keys stay with the element only in fields where they type text. */
export function typesText(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement) return true;
  if ((el as HTMLElement).isContentEditable) return true;
  if (el instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(
      el.type,
    );
  }
  return false;
}
