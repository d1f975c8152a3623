/** Errors of opening the store that callers tell apart (in a file of their own: no RxDB needed). */

/** The file was written by an earlier version and must be upgraded by the app before use. */
export class StoreNeedsUpgradeError extends Error {
  override readonly name = 'StoreNeedsUpgradeError';
}
