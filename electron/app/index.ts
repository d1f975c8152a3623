/**
 * The composition root: `startApp()` wires settings, the core (store + ingest + relay link or
 * demo venue), the dashboard services, reports and the API, and restarts the core when the relay
 * target changes. Both hosts (electron/main, electron/headless via the CLI) call it and only
 * carry its API. It may import every feature folder (through its index), db/ and storage/; no
 * feature imports it back.
 */
export * from './critical-notifications';
export * from './data-dir';
export * from './dashboard-services';
export * from './start-app';
export * from './start-core';
export * from './version';
