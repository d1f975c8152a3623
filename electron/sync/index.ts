/**
 * Venue sync between laptops: one laptop as the hub (TLS websocket, pairing by join code,
 * RxDB's replication protocol behind an append-only guard), the others joining it; and, past one
 * venue, the same collections over NATS JetStream (./nats). Owns the sync identity, the link and
 * its status; imports db/ and shared/, and the relay client's status through its index. The core
 * (electron/app) starts it; hosts read its options from their command line.
 */
export * from './core-sync';
export * from './nats/attach-nats-sync';
export * from './nats/nats-cli-options';
export * from './nats/nats-config';
export * from './pairing/join-code';
export * from './sync-identity';
export * from './sync-stats';
export * from './team/shift-log';
export * from './venue-sync';
