/**
 * Headless mode's transport: the built renderer on 127.0.0.1 and the app's API over a loopback
 * websocket with a per-run token (`startDashboardHost` carries a `GateOpsApp` from
 * electron/app). Imports the api/ types it carries and node's http/ws; it composes nothing.
 */
export * from './dashboard-host';
