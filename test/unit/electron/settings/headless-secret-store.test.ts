import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createHeadlessSecretStore,
  headlessTokenFile,
  RELAY_TOKEN_ENV,
  RELAY_TOKEN_FILE_ENV,
} from '../../../../electron/settings';

const posix = process.platform !== 'win32';
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateops-token-'));
  file = join(dir, 'relay-token');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('headless secret store', () => {
  it('the environment variable wins and cannot be changed from the app', async () => {
    await writeFile(file, 'from-file-token\n', { mode: 0o600 });
    const store = createHeadlessSecretStore({
      env: { [RELAY_TOKEN_ENV]: ' env-token ' },
      tokenFile: file,
    });
    expect(await store.read()).toBe('env-token');
    const status = await store.status();
    expect(status).toMatchObject({ isSet: true, source: 'env', canChange: false });
    expect(JSON.stringify(status)).not.toContain('env-token');
    await expect(store.write('x1234')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(store.clear()).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('writes an owner-only file and reads it back', async () => {
    const store = createHeadlessSecretStore({
      env: {},
      tokenFile: join(dir, 'sub', 'relay-token'),
    });
    expect(await store.read()).toBeNull();
    expect(await store.status()).toEqual({ isSet: false, source: 'none', canChange: true });
    await store.write('abc.def-123');
    expect(await store.read()).toBe('abc.def-123');
    expect(await store.status()).toEqual({ isSet: true, source: 'file', canChange: true });
    if (posix) expect((await stat(join(dir, 'sub', 'relay-token'))).mode & 0o777).toBe(0o600);
    await store.clear();
    expect(await store.read()).toBeNull();
    await store.clear(); // clearing twice is fine
  });

  it.skipIf(!posix)(
    'refuses a group- or world-readable token file with a fix-it message',
    async () => {
      await writeFile(file, 'secret-token-value\n');
      for (const mode of [0o644, 0o640, 0o604, 0o660]) {
        await chmod(file, mode);
        const store = createHeadlessSecretStore({ env: {}, tokenFile: file });
        const error = await store.read().then(
          () => null,
          (e: unknown) => e as Error,
        );
        expect(error?.message).toContain(`chmod 600`);
        expect(error?.message).toContain(mode.toString(8));
        expect(error?.message).not.toContain('secret-token-value');
        const status = await store.status();
        expect(status.isSet).toBe(false);
        expect(status.note).toContain('other users can read it');
      }
      await chmod(file, 0o400);
      expect(await createHeadlessSecretStore({ env: {}, tokenFile: file }).read()).toBe(
        'secret-token-value',
      );
    },
  );

  it.skipIf(!posix)(
    'refuses a symlink and a file holding something that is not a token',
    async () => {
      const target = join(dir, 'elsewhere');
      await writeFile(target, 'tok-abcdef', { mode: 0o600 });
      await symlink(target, file);
      await expect(createHeadlessSecretStore({ env: {}, tokenFile: file }).read()).rejects.toThrow(
        /not a regular file/,
      );
      await rm(file);
      await writeFile(file, 'two words secret', { mode: 0o600 });
      const error = await createHeadlessSecretStore({ env: {}, tokenFile: file })
        .read()
        .catch((e: Error) => e);
      expect(String(error)).toMatch(/does not hold a valid token/);
      expect(String(error)).not.toContain('two words secret');
    },
  );

  it('an unwritable location gives a typed error', async () => {
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, 'x');
    const store = createHeadlessSecretStore({ env: {}, tokenFile: join(blocker, 'relay-token') });
    await expect(store.write('abcd1234')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('finds the token file from the environment or the data folder', async () => {
    expect(headlessTokenFile('/data/', {})).toBe('/data/relay-token');
    expect(headlessTokenFile('/data', { [RELAY_TOKEN_FILE_ENV]: '/etc/gate/tok' })).toBe(
      '/etc/gate/tok',
    );
  });

  it('leaves no temp files behind', async () => {
    await mkdir(dir, { recursive: true });
    const store = createHeadlessSecretStore({ env: {}, tokenFile: file });
    await store.write('first-token');
    await store.write('second-token');
    expect((await readFile(file, 'utf8')).trim()).toBe('second-token');
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(dir)).toEqual(['relay-token']);
  });
});
