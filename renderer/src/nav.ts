/** Where the supervisor is: the view and the drill-down filters it carries. */
import type { GateOpsApi } from '../../shared/api/methods';
import { SEARCH_SHORTCUT, VIEW_SHORTCUTS, type ViewId } from '../../shared/view-shortcuts';

export type { ViewId };

/** The views in side-bar order, with their keys (shared with the Electron menu). */
export const VIEWS = VIEW_SHORTCUTS;

export interface Nav {
  readonly view: ViewId;
  readonly gate?: string;
  readonly deviceId?: string;
  readonly sessionId?: string;
  readonly text?: string;
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
