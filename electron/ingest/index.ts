/**
 * Ingest: from a relay message to a committed check-in — classify (shared/contract), dedupe,
 * batch, quarantine, and the cursor rule (cursor-rule.ts) in the same commit; store faults
 * classified and retried (store-health). Imports db/ for every write, the relay client's types
 * through its index, and shared/; no other feature.
 */
export * from './batch-commit';
export * from './ingest-pipeline';
export * from './store-fault';
export * from './store-health';
