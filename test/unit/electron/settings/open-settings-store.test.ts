import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { headlessTokenStore, openSettingsStore } from '../../../../electron/settings';
import { memoryStoreOpener } from '../../../helpers/memory-store';
import { createMemorySecretStore } from '../../../helpers/memory-secret-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateops-sstore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('settings store', () => {
  it('keeps settings in their own SQLite file, across reopen', async () => {
    const first = await openSettingsStore({ dataDir: dir, secrets: createMemorySecretStore() });
    expect(first.file).toBe(join(dir, 'gate-ops-settings.sqlite'));
    await first.settings.update({ relayUrl: 'wss://relay.example/ws' });
    await first.close();
    await stat(join(dir, 'gate-ops-settings.sqlite'));
    const second = await openSettingsStore({ dataDir: dir, secrets: createMemorySecretStore() });
    expect(second.settings.get().relayUrl).toBe('wss://relay.example/ws');
    await second.close();
  });

  it('headless: the token comes from the environment, else an owner-only file in the data folder', async () => {
    const fromEnv = await openSettingsStore({
      dataDir: dir,
      secrets: await headlessTokenStore({
        dataDir: dir,
        env: { GATE_OPS_RELAY_TOKEN: 'env-token-1234' },
      }),
      open: memoryStoreOpener,
    });
    expect((await fromEnv.settings.relayTarget()).token).toBe('env-token-1234');
    expect((await fromEnv.settings.view()).relayToken.source).toBe('env');
    await fromEnv.close();

    const fromFile = await openSettingsStore({
      dataDir: dir,
      secrets: await headlessTokenStore({ dataDir: dir, env: {} }),
      open: memoryStoreOpener,
    });
    await fromFile.settings.setRelayToken('file-token-5678');
    expect((await fromFile.settings.relayTarget()).token).toBe('file-token-5678');
    if (process.platform !== 'win32') {
      expect((await stat(join(dir, 'relay-token'))).mode & 0o777).toBe(0o600);
    }
    await fromFile.close();
  });
});

describe('a damaged settings file', () => {
  it('is kept aside, and the app starts with default settings and a warning', async () => {
    const { writeFile, readdir } = await import('node:fs/promises');
    await writeFile(
      join(dir, 'gate-ops-settings.sqlite'),
      'this is not a SQLite database'.repeat(200),
    );
    const warnings: string[] = [];
    const store = await openSettingsStore({
      dataDir: dir,
      secrets: createMemorySecretStore(),
      log: { warn: (m) => warnings.push(m) },
    });
    expect(store.settings.get().relayUrl).toBeNull();
    expect(warnings.join()).toMatch(/damaged.*default settings/s);
    await store.settings.update({ display: { theme: 'dark' } });
    await store.close();
    const files = await readdir(dir);
    expect(
      files.some((f) => f.startsWith('gate-ops-settings') && f !== 'gate-ops-settings.sqlite'),
    ).toBe(true);
  });
});
