import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSafeStorageSecretStore,
  type SafeStorageLike,
} from '../../../../electron/main/safe-storage-secret-store';

/** A reversible "encryption" that is visibly not the plain text. */
function fakeSafeStorage(over: Partial<SafeStorageLike> = {}): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
    decryptString: (b) => {
      const text = b.toString();
      if (!text.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext');
      return Buffer.from(text.slice(4), 'base64').toString();
    },
    getSelectedStorageBackend: () => 'gnome_libsecret',
    ...over,
  };
}

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateops-safe-'));
  file = join(dir, 'relay-token.enc');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('safeStorage secret store', () => {
  it('stores only the encrypted blob, owner-only, and reads it back', async () => {
    const store = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage(),
      file,
      platform: 'linux',
    });
    expect(await store.status()).toEqual({ isSet: false, source: 'none', canChange: true });
    await store.write('relay-secret-42');
    const raw = await readFile(file, 'utf8');
    expect(raw).not.toContain('relay-secret-42');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await store.read()).toBe('relay-secret-42');
    expect(await store.status()).toEqual({
      isSet: true,
      source: 'secure-storage',
      canChange: true,
    });
    await store.clear();
    expect(await store.read()).toBeNull();
  });

  it('refuses to persist when encryption is unavailable, and says so', async () => {
    const store = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage({ isEncryptionAvailable: () => false }),
      file,
      platform: 'win32',
    });
    await expect(store.write('relay-secret-42')).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('cannot be saved securely'),
    });
    await expect(stat(file)).rejects.toThrow();
    const status = await store.status();
    expect(status).toMatchObject({ isSet: false, canChange: false });
    expect(status.note).toContain('keychain');
  });

  it("refuses Linux's basic_text backend (a hard-coded key is plain text in disguise)", async () => {
    for (const backend of ['basic_text', 'unknown']) {
      const store = createSafeStorageSecretStore({
        safeStorage: fakeSafeStorage({ getSelectedStorageBackend: () => backend }),
        file,
        platform: 'linux',
      });
      await expect(store.write('relay-secret-42')).rejects.toMatchObject({ code: 'unavailable' });
      expect((await store.status()).note).toContain('keyring');
    }
    // On macOS the backend question does not arise.
    const mac = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage({ getSelectedStorageBackend: () => 'basic_text' }),
      file,
      platform: 'darwin',
    });
    await mac.write('relay-secret-42');
    expect(await mac.read()).toBe('relay-secret-42');
  });

  it('a blob that no longer decrypts is reported, never returned or crashing', async () => {
    await writeFile(file, 'garbage-from-another-keychain');
    const store = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage(),
      file,
      platform: 'linux',
    });
    const status = await store.status();
    expect(status).toMatchObject({ isSet: false, source: 'secure-storage', canChange: true });
    expect(status.note).toContain('set it again');
    await expect(store.read()).rejects.toThrow(/cannot be decrypted/);
    await store.write('fresh-token-1');
    expect(await store.read()).toBe('fresh-token-1');
  });

  it('an encryption failure is a typed error and writes nothing', async () => {
    const store = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage({
        encryptString: () => {
          throw new Error('Encryption failed');
        },
      }),
      file,
      platform: 'linux',
    });
    await expect(store.write('relay-secret-42')).rejects.toMatchObject({ code: 'unavailable' });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('uses the asynchronous API when present, and re-encrypts after a key rotation', async () => {
    let keyVersion = 1;
    const sync = fakeSafeStorage({
      isEncryptionAvailable: () => {
        throw new Error('the deprecated sync API must not be used');
      },
      encryptString: () => {
        throw new Error('the deprecated sync API must not be used');
      },
    });
    const asyncStorage: SafeStorageLike = {
      ...sync,
      isAsyncEncryptionAvailable: async () => true,
      encryptStringAsync: async (text) => Buffer.from(`v${keyVersion}:${text}`),
      decryptStringAsync: async (blob) => {
        const [version, ...rest] = blob.toString().split(':');
        if (!version?.startsWith('v')) throw new Error('bad blob');
        return { shouldReEncrypt: version !== `v${keyVersion}`, result: rest.join(':') };
      },
    };
    const store = createSafeStorageSecretStore({
      safeStorage: asyncStorage,
      file,
      platform: 'darwin',
    });
    await store.write('rotating-token');
    expect(await readFile(file, 'utf8')).toBe('v1:rotating-token');
    keyVersion = 2;
    expect(await store.read()).toBe('rotating-token');
    expect(await readFile(file, 'utf8')).toBe('v2:rotating-token');
    expect(await store.status()).toEqual({
      isSet: true,
      source: 'secure-storage',
      canChange: true,
    });
  });
});
