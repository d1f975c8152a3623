/**
 * Preload (sandboxed, bundled to one CommonJS file): exposes the Gate Ops API to the renderer as
 * `window.gateOps`, and nothing else: named methods only, no ipcRenderer, no generic invoke.
 *
 * It is the bridge form of the API (shared/api/methods.ts, GateOpsBridge): a call resolves to
 * its result as data, `{ ok, value }` or `{ ok: false, error: { code, message } }`, and never
 * rejects, because contextBridge copies a rejected Error into the page with its message only.
 * The renderer wraps it with `apiFromBridge` and sees the same ApiCallError, code included, as
 * in headless mode. Imports `electron` and shared/api only.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildBridge } from '../../shared/api';
import { createIpcTransport } from './ipc-transport';

contextBridge.exposeInMainWorld('gateOps', buildBridge(createIpcTransport(ipcRenderer)));
