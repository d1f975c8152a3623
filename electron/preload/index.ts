/**
 * Preload (sandboxed, bundled to one CommonJS file): exposes the typed GateOpsApi to the renderer
 * as `window.gateOps`, and nothing else: named methods only, no ipcRenderer, no generic invoke.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../../shared/api';
import { bridgeSafeApi } from './bridge-safe-api';
import { createIpcTransport } from './ipc-transport';

contextBridge.exposeInMainWorld(
  'gateOps',
  bridgeSafeApi(buildApi(createIpcTransport(ipcRenderer))),
);
