/**
 * Where the renderer's GateOpsApi comes from: Electron's preload (`window.gateOps`) when present,
 * otherwise headless mode's loopback websocket, with the per-run token from the URL fragment
 * (`#token=…`, kept in sessionStorage so a reload still works). The preload's bridge carries
 * errors as data (contextBridge would drop an Error's code); apiFromBridge turns them back into
 * ApiCallError, so both hosts fail the same way.
 */
import {
  apiFromBridge,
  buildApi,
  type GateOpsApi,
  type GateOpsBridge,
} from '../../../shared/api/methods';
import { HEADLESS_API_PATH } from '../../../shared/api/ws-protocol';
import { createWebSocketTransport, type LinkState } from './websocket-transport';

declare global {
  interface Window {
    gateOps?: GateOpsBridge;
  }
}

export interface HostLink {
  state(): LinkState;
  onState(listener: (state: LinkState) => void): () => void;
}

export interface ConnectedApi {
  readonly api: GateOpsApi;
  /** The websocket to the headless host; null under Electron (IPC does not drop). */
  readonly link: HostLink | null;
  readonly error?: string;
}

const TOKEN_KEY = 'gate-ops-token';

function readToken(): string | null {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    // Keep the token out of the address bar (screenshots, screen sharing at the door).
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function connectApi(): ConnectedApi {
  if (window.gateOps && typeof window.gateOps.getOverview === 'function') {
    return { api: apiFromBridge(window.gateOps), link: null };
  }
  const token = readToken() ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const transport = createWebSocketTransport(
    `${scheme}://${window.location.host}${HEADLESS_API_PATH}?token=${encodeURIComponent(token)}`,
  );
  return {
    api: buildApi(transport),
    link: transport,
    ...(token
      ? {}
      : { error: 'No access token in the address. Open the URL that gate-ops headless printed.' }),
  };
}
