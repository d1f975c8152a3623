/**
 * Where the relay token lives. The token never enters the settings document, the API responses
 * or the logs: the renderer can set or clear it and learn only whether one is set.
 * Implementations: Electron's safeStorage (electron/main/safe-storage-secret-store.ts), the
 * environment, a flag or an owner-only file in headless mode (./relay-token.ts); tests keep one
 * in memory (test/helpers/memory-secret-store.ts).
 */
import type { RelayTokenStatus } from '../../shared/api';

export type { RelayTokenStatus, TokenSource } from '../../shared/api';

export interface SecretStore {
  /** Whether a token is set, where it comes from, and whether the renderer may change it. */
  status(): Promise<RelayTokenStatus>;
  /** The token, or null when none is set. Throws (with a redacted message) when it is unusable. */
  read(): Promise<string | null>;
  /** Persists the token, or throws a ServiceError saying why it will not (never plain text). */
  write(token: string): Promise<void>;
  clear(): Promise<void>;
}
