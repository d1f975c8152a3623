/** A SecretStore that keeps the relay token in memory only (the app's live in electron/settings). */
import type { SecretStore } from '../../electron/settings';

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
