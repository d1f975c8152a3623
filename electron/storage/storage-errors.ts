/** Errors the storage throws on purpose, so callers can tell them apart and show a message. */

/** The SQLite file could not be read as a database. The damaged file was moved aside. */
export class StorageDamagedError extends Error {
  override readonly name = 'StorageDamagedError';
  constructor(
    readonly filePath: string,
    readonly keptAsidePath: string,
    cause: unknown,
  ) {
    super(
      `The database file ${filePath} is damaged (${describe(cause)}). ` +
        `It was moved aside to ${keptAsidePath} and nothing was deleted; ` +
        `the next start creates an empty database in its place.`,
      { cause },
    );
  }
}

export class StorageClosedError extends Error {
  override readonly name = 'StorageClosedError';
  constructor(what: string) {
    super(`${what}: the storage instance is closed`);
  }
}

export class AttachmentsUnsupportedError extends Error {
  override readonly name = 'AttachmentsUnsupportedError';
  constructor(collectionName: string) {
    super(
      `Collection "${collectionName}" declares attachments; the node:sqlite storage does not ` +
        `support RxDB attachments. Store the data in a document field instead.`,
    );
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
