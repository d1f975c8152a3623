/**
 * Venue sync between laptops: one laptop as the hub (TLS websocket, pairing by join code,
 * RxDB's replication protocol behind an append-only guard), the others joining it; and, past one
 * venue, the same collections over NATS JetStream (./nats). Owns the sync identity, the link and
 * its status; imports db/ and shared/, the relay client's status and the secret-file reader
 * (settings) through their indexes. The core (electron/app) starts both; hosts read their options
 * from their command line, Settings hold NATS's.
 */
export * from './core-sync';
export * from './nats/nats-cli-options';
export * from './nats/nats-config';
export * from './nats/nats-status-view';
export * from './nats/nats-sync-runner';
export * from './pairing/join-code';
export * from './sync-identity';
export * from './sync-stats';
export * from './team/shift-log';
export * from './venue-sync';
