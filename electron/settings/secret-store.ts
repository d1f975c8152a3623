/**
 * Where the relay token lives. The token never enters the settings document, the API responses
 * or the logs: the renderer can set or clear it and learn only whether one is set.
 * Implementations: Electron's safeStorage (electron/main/safe-storage-secret-store.ts), the
 * environment or an owner-only file in headless mode (./headless-secret-store.ts), memory in tests.
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

/** A store that keeps the token in memory only: tests, and a session-only fallback. */
export function createMemorySecretStore(initial: string | null = null): SecretStore {
  let token = initial;
  return {
    status: () =>
      Promise.resolve({
        isSet: token !== null,
        source: token === null ? 'none' : 'secure-storage',
        canChange: true,
      }),
    read: () => Promise.resolve(token),
    write: (value) => {
      token = value;
      return Promise.resolve();
    },
    clear: () => {
      token = null;
      return Promise.resolve();
    },
  };
}
