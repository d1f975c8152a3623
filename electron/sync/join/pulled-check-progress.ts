/**
 * The shared array through which the main thread and the worker thread split a pulled batch
 * (pulled-check.ts, pulled-check-worker.ts): an Int32Array of two. Its own module, so the main
 * thread imports these without the worker's module (which listens on its parent port when loaded).
 */

/** Index: the documents before this one were checked by the worker and are fine. */
export const FINE_UP_TO = 0;
/** Index: the main thread checks (or has checked) the documents from this one on. */
export const CLAIMED_FROM = 1;
