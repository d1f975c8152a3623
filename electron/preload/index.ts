/**
 * Preload (sandboxed, bundled to one CommonJS file): exposes the typed GateOpsApi to the renderer
 * as `window.gateOps`, and nothing else: named methods only, no ipcRenderer, no generic invoke.
 *
 * A failed call rejects with ApiCallError; contextBridge copies an Error into the page keeping
 * only its message, so the renderer sees an Error with the API's message (its `code` stays on
 * this side). The renderer's views show `error.message`, which works the same in headless mode.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../../shared/api';
import { createIpcTransport } from './ipc-transport';

contextBridge.exposeInMainWorld('gateOps', buildApi(createIpcTransport(ipcRenderer)));
