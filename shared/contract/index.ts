/**
 * The event contract (docs in /README "The event contract"): the CloudEvent and check-in zod
 * schemas, RFC 3339 timestamps and their indexable range, `classify()` (one verdict per message:
 * check-in with its dedupe key, skipped, or rejected with every reason), canonical payload
 * fingerprints. Runs anywhere: imports zod only.
 */
export * from './canonical';
export * from './check-in';
export * from './classify';
export * from './reasons';
export * from './schemas';
export * from './timestamp';
