/** Where the relay token comes from on the command line, and that a readable token file is refused. */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRelayToken } from '../../../../electron/settings/relay-token';
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
