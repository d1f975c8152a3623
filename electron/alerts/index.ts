/**
 * Alerts: idle devices at an open gate, re-entries, quarantined events, lagging devices, relay
 * down — evaluated from the activity model and the relay status (electron/activity through its
 * index, db/ for raw reads, shared/domain for the rules). Also the one adapter from the relay
 * client's status to what the dashboard shows.
 */
export * from './alert-service';
export * from './relay-status-source';
export * from './status-service';
export * from './alert-ack-store';
