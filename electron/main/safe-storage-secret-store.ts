/**
 * The relay token in the Electron app: encrypted with the OS keychain through `safeStorage`
 * (Keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux), the encrypted blob kept in
 * the data folder (owner-only, atomic write). When no real encryption is available (no keyring,
 * or Linux's "basic_text" fallback, which is a hard-coded key), the token is refused with a
 * message rather than stored recoverably in plain text.
 */
import { readFile, rm } from 'node:fs/promises';
import { ServiceError, type RelayTokenStatus } from '../../shared/api';
import { writeFileAtomic } from '../settings/atomic-file';
import type { SecretStore } from '../settings/secret-store';

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export interface SafeStorageSecretStoreOptions {
  readonly safeStorage: SafeStorageLike;
  /** e.g. <userData>/relay-token.enc */
  readonly file: string;
  readonly platform?: NodeJS.Platform;
}

export const ENCRYPTED_TOKEN_FILE_NAME = 'relay-token.enc';

export function createSafeStorageSecretStore(options: SafeStorageSecretStoreOptions): SecretStore {
  const { safeStorage, file } = options;
  const platform = options.platform ?? process.platform;

  /** null when encryption is real; otherwise why not, in words for the user. */
  const unavailableReason = (): string | null => {
    if (!safeStorage.isEncryptionAvailable()) {
      return 'the system keychain is not available, so the relay token cannot be saved securely';
    }
    if (platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
      if (backend === 'basic_text' || backend === 'unknown') {
        return (
          'no desktop keyring (GNOME Keyring / KWallet) was found, so the relay token cannot be ' +
          'saved securely; start Gate Ops in a desktop session with a keyring'
        );
      }
    }
    return null;
  };

  const readBlob = async (): Promise<Buffer | null> => {
    try {
      return await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };

  return {
    async status(): Promise<RelayTokenStatus> {
      const reason = unavailableReason();
      const blob = await readBlob();
      if (reason !== null) {
        return {
          isSet: false,
          source: blob ? 'secure-storage' : 'none',
          canChange: false,
          note: reason,
        };
      }
      if (!blob) return { isSet: false, source: 'none', canChange: true };
      try {
        safeStorage.decryptString(blob);
        return { isSet: true, source: 'secure-storage', canChange: true };
      } catch {
        return {
          isSet: false,
          source: 'secure-storage',
          canChange: true,
          note: 'the saved relay token cannot be decrypted (the keychain changed); set it again',
        };
      }
    },

    async read(): Promise<string | null> {
      const blob = await readBlob();
      if (!blob) return null;
      const reason = unavailableReason();
      if (reason !== null) throw new Error(reason);
      try {
        return safeStorage.decryptString(blob);
      } catch {
        // The OS message may quote nothing secret, but there is nothing useful in it either.
        throw new Error(
          'the saved relay token cannot be decrypted (the keychain changed); set it again',
        );
      }
    },

    async write(token: string): Promise<void> {
      const reason = unavailableReason();
      if (reason !== null) throw new ServiceError('unavailable', reason);
      let blob: Buffer;
      try {
        blob = safeStorage.encryptString(token);
      } catch {
        throw new ServiceError(
          'unavailable',
          'the system keychain refused to encrypt the relay token',
        );
      }
      await writeFileAtomic(file, blob, { mode: 0o600 });
    },

    async clear(): Promise<void> {
      await rm(file, { force: true });
    },
  };
}
