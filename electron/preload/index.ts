/** Preload: exposes the typed GateOpsApi to the renderer, and nothing else. */
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('gateOps', { version: '0.1.0' });
