/**
 * The API floor: the router every host carries (validates each request with the channel map in
 * shared/api before a handler runs, turns errors into typed results) and one handler file per
 * domain (`registerXHandlers`), registered together by `registerAllHandlers`. It imports the
 * feature folders (activity, alerts, reports, settings, sync) for their types and calls into them;
 * it never starts them — the composition root (electron/app) does, and passes them in.
 */
export * from './register-all';
export * from './router';
export type { ApiServices } from './services';
export { watch, type WatchOptions } from './watch';
