/**
 * Activity: the live aggregates per scanner session, device, gate, product and minute (kept
 * incrementally from committed batches, snapshotted into the store), check-in search and
 * drill-down, the quarantine browser. Imports db/ for reads and shared/domain for the pure
 * aggregation; no other feature.
 */
export * from './activity-service';
export * from './checkin-search';
export * from './quarantine-browser';
export * from './expected-tickets';
