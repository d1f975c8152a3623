/**
 * The relay client: one websocket to the relay (docs/relay-protocol.md), backoff, resume from
 * the committed cursor, backpressure from its sink. Owns the link and its status; imports
 * shared/ and node/ws only. The demo venue (electron/demo-venue) speaks the other end of the
 * same protocol and takes its constants from here.
 */
export * from './backoff';
export * from './clock';
export * from './relay-client';
export * from './relay-protocol';
