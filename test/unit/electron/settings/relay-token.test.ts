/** Where the relay token comes from on the command line, and that an unsafe token file is refused. */
import { chmodSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { headlessTokenStore, readRelayToken } from '../../../../electron/settings';
import { tempDir } from '../../../helpers/relay';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function tokenFile(content: string, mode: number): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const file = join(dir, 'token');
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

describe('readRelayToken', () => {
  it('reads a file only its owner can read, trimmed', async () => {
    const file = tokenFile('  abc123\n', 0o600);
    expect(await readRelayToken({ tokenFile: file, env: {} })).toBe('abc123');
  });

  it.runIf(process.platform !== 'win32')('refuses a token file others can read', async () => {
    const file = tokenFile('abc123', 0o644);
    await expect(readRelayToken({ tokenFile: file, env: {} })).rejects.toThrow(/chmod 600/);
  });

  it('refuses an empty or missing token file', async () => {
    await expect(readRelayToken({ tokenFile: tokenFile('\n', 0o600), env: {} })).rejects.toThrow(
      /empty/,
    );
    await expect(readRelayToken({ tokenFile: '/nonexistent/token', env: {} })).rejects.toThrow(
      /cannot read/,
    );
  });

  it('falls back to GATE_OPS_RELAY_TOKEN, then --token, then nothing', async () => {
    expect(await readRelayToken({ token: 'flag', env: { GATE_OPS_RELAY_TOKEN: 'env' } })).toBe(
      'env',
    );
    expect(await readRelayToken({ token: 'flag', env: {} })).toBe('flag');
    expect(await readRelayToken({ env: {} })).toBeNull();
  });
});

describe('one token-file reader for every caller', () => {
  it.runIf(process.platform !== 'win32')(
    '--token-file refuses a symlink and a file that does not hold a token, as Settings does',
    async () => {
      const real = tokenFile('abc123', 0o600);
      const link = join(real, '..', 'link');
      symlinkSync(real, link);
      await expect(readRelayToken({ tokenFile: link, env: {} })).rejects.toThrow(
        /not a regular file/,
      );
      const bad = tokenFile('two words', 0o600);
      const error = await readRelayToken({ tokenFile: bad, env: {} }).catch((e: Error) => e);
      expect(String(error)).toMatch(/does not hold a valid token/);
      expect(String(error)).not.toContain('two words');
    },
  );
});

describe('headlessTokenStore', () => {
  it('takes --token-file, then the environment, then --token, then what Settings saved', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = tokenFile('from-flag-file', 0o600);
    const env = { GATE_OPS_RELAY_TOKEN: 'from-env' };
    const fromFile = await headlessTokenStore({ tokenFile: file, token: 'x', env, dataDir: dir });
    expect(await fromFile.read()).toBe('from-flag-file');
    expect(await fromFile.status()).toMatchObject({ source: 'file', canChange: false });
    const fromEnv = await headlessTokenStore({ token: 'from-flag', env, dataDir: dir });
    expect(await fromEnv.read()).toBe('from-env');
    expect(await fromEnv.status()).toMatchObject({ source: 'env', canChange: false });
    const fromFlag = await headlessTokenStore({ token: 'from-flag', env: {}, dataDir: dir });
    expect(await fromFlag.read()).toBe('from-flag');
    expect(await fromFlag.status()).toMatchObject({ source: 'command-line', canChange: false });
    await expect(fromFlag.write('other')).rejects.toMatchObject({ code: 'forbidden' });
    const saved = await headlessTokenStore({ env: {}, dataDir: dir });
    expect(await saved.read()).toBeNull();
    await saved.write('saved-token');
    expect(readFileSync(join(dir, 'relay-token'), 'utf8').trim()).toBe('saved-token');
    expect(await (await headlessTokenStore({ env: {}, dataDir: dir })).read()).toBe('saved-token');
  });

  it('refuses an unusable --token-file at once', async () => {
    await expect(
      headlessTokenStore({ tokenFile: '/nonexistent/token', env: {}, dataDir: '/nonexistent' }),
    ).rejects.toThrow(/cannot read the relay token file/);
  });
});
