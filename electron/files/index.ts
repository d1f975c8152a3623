/**
 * Files written so that they appear complete or not at all (`writeFileAtomic` for small files,
 * `AtomicFile` for a streamed report): the one atomic-write module of the app. The storage floor:
 * imports only node and shared/; any folder may use it.
 */
export * from './atomic-file';
