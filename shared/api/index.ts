/**
 * The API between the core and the renderer, one definition for both transports: the channel
 * map per domain (zod schemas of every request and result), `GateOpsApi` and `buildApi()`, the
 * bridge form the preload exposes, and the IPC and websocket wire protocols. Runs anywhere:
 * imports zod and the rest of shared/ only (no node, electron, DOM or React).
 */
export * from './channels';
export * from './define';
export * from './methods';
