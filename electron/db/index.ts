/**
 * Data access, the one floor every feature reads and writes through: opening the store (the
 * RxDB database on our node:sqlite storage) and its transaction type, the collections and their
 * schemas, raw queries and writes, newest-first page reads, full-text search, the ingest state
 * and delivery tables, the `stats` read model. Imports storage/ and shared/ only; no feature.
 */
export * from './collections/acks';
export * from './collections/checkins';
export * from './collections/checkins-full-text';
export * from './collections/conflicts';
export * from './collections/notes';
export * from './collections/quarantine';
export * from './collections/state';
export * from './damage-check';
export * from './database';
export * from './ids';
export * from './ingest-totals';
export * from './open-store';
export * from './checkin-pages';
export * from './checkin-full-text';
export * from './raw-query';
export * from './storage-writes';
export * from './store-stats';
export * from './database-stats';
export * from './deliveries-table';
export * from './relay-outages';
export * from './checkin-document';
export * from './checkin-table';
export * from './local-change';
export * from './local-checkins';
export * from './local-conflicts';
export * from './checkin-rows';
export * from './store-errors';
export * from './store-reader';
export * from './report-records';
export * from './collection-records';
export * from './store-names';
export * from './shift-log-read';
export { peerFactsCaughtUp } from './local-follower';
