/**
 * Settings and secrets: the settings document (validated, defaults filled in, damaged parts kept
 * aside), the relay token and NATS secrets through a SecretStore (never in the document, the API
 * or a log), the one token-file reader. Imports db/ (the `state` collection), storage/ (its
 * errors) and shared/; no other feature.
 */
export * from './headless-secret-store';
export * from './nats-secret';
export * from './open-settings-store';
export * from './relay-token';
export * from './secret-store';
export * from './settings-service';
export * from './token-file';
