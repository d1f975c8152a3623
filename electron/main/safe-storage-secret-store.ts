/**
 * A secret in the Electron app (the relay token; the NATS secret, in a file of its own): encrypted
 * with the OS keychain through `safeStorage` (Keychain on macOS, DPAPI on Windows,
 * libsecret/kwallet on Linux), the encrypted blob kept in the data folder (owner-only, atomic
 * write). When no real encryption is available (no keyring, or Linux's "basic_text" fallback,
 * which is a hard-coded key), the secret is refused with a
 * message rather than stored recoverably in plain text. Electron 45's asynchronous API is used
 * when present (the synchronous one is deprecated), including re-encryption after a key rotation.
 */
import { readFile, rm } from 'node:fs/promises';
import { ServiceError, type RelayTokenStatus } from '../../shared/api';
import { writeFileAtomic } from '../files';
import type { SecretStore } from '../settings';

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  isAsyncEncryptionAvailable?(): Promise<boolean>;
  encryptStringAsync?(plainText: string): Promise<Buffer>;
  decryptStringAsync?(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export interface SafeStorageSecretStoreOptions {
  readonly safeStorage: SafeStorageLike;
  /** e.g. <userData>/relay-token.enc */
  readonly file: string;
  readonly platform?: NodeJS.Platform;
  readonly log?: { warn(message: string): void };
  /** How messages name the secret (default "relay token"). */
  readonly label?: string;
}

export const ENCRYPTED_TOKEN_FILE_NAME = 'relay-token.enc';
export const ENCRYPTED_NATS_SECRET_FILE_NAME = 'nats-secret.enc';

export function createSafeStorageSecretStore(options: SafeStorageSecretStoreOptions): SecretStore {
  const { safeStorage, file } = options;
  const platform = options.platform ?? process.platform;
  const log = options.log ?? { warn: (m: string) => console.warn(`[secrets] ${m}`) };
  const label = options.label ?? 'relay token';
  const UNDECRYPTABLE = `the saved ${label} cannot be decrypted (the keychain changed); set it again`;

  /** null when encryption is real; otherwise why not, in words for the user. */
  const unavailableReason = async (): Promise<string | null> => {
    const available = safeStorage.isAsyncEncryptionAvailable
      ? await safeStorage.isAsyncEncryptionAvailable()
      : safeStorage.isEncryptionAvailable();
    if (!available) {
      return `the system keychain is not available, so the ${label} cannot be saved securely`;
    }
    if (platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
      if (backend === 'basic_text' || backend === 'unknown') {
        return (
          `no desktop keyring (GNOME Keyring / KWallet) was found, so the ${label} cannot be ` +
          'saved securely; start Gate Ops in a desktop session with a keyring'
        );
      }
    }
    return null;
  };

  const encrypt = (token: string): Promise<Buffer> =>
    safeStorage.encryptStringAsync
      ? safeStorage.encryptStringAsync(token)
      : Promise.resolve().then(() => safeStorage.encryptString(token));

  const decrypt = (blob: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> =>
    safeStorage.decryptStringAsync
      ? safeStorage.decryptStringAsync(blob)
      : Promise.resolve().then(() => ({
          shouldReEncrypt: false,
          result: safeStorage.decryptString(blob),
        }));

  const readBlob = async (): Promise<Buffer | null> => {
    try {
      return await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };

  const save = async (token: string): Promise<void> => {
    let blob: Buffer;
    try {
      blob = await encrypt(token);
    } catch {
      throw new ServiceError('unavailable', `the system keychain refused to encrypt the ${label}`);
    }
    await writeFileAtomic(file, blob, { mode: 0o600 });
  };

  return {
    async status(): Promise<RelayTokenStatus> {
      const reason = await unavailableReason();
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
        await decrypt(blob);
        return { isSet: true, source: 'secure-storage', canChange: true };
      } catch {
        return { isSet: false, source: 'secure-storage', canChange: true, note: UNDECRYPTABLE };
      }
    },

    async read(): Promise<string | null> {
      const blob = await readBlob();
      if (!blob) return null;
      const reason = await unavailableReason();
      if (reason !== null) throw new Error(reason);
      let decrypted: { shouldReEncrypt: boolean; result: string };
      try {
        decrypted = await decrypt(blob);
      } catch {
        // The OS message says nothing the user can act on beyond this.
        throw new Error(UNDECRYPTABLE);
      }
      if (decrypted.shouldReEncrypt) {
        // The key was rotated: store it under the new key, so the old one can go.
        await save(decrypted.result).catch(() =>
          log.warn(`could not re-encrypt the ${label} under the new key; will retry`),
        );
      }
      return decrypted.result;
    },

    async write(token: string): Promise<void> {
      const reason = await unavailableReason();
      if (reason !== null) throw new ServiceError('unavailable', reason);
      await save(token);
    },

    async clear(): Promise<void> {
      await rm(file, { force: true });
    },
  };
}
