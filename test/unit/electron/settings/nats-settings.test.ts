/**
 * NATS sync in Settings: the section's checks, the secret kept in a secret store (never in the
 * document or the view), the owner-only file headless mode keeps it in, and the change signal the
 * composition root restarts NATS sync on.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { openGateOpsDatabase, type GateOpsDatabase } from '../../../../electron/db';
import {
  headlessNatsSecretStore,
  NATS_SECRET_FILE_NAME,
  openSettingsService,
  type SettingsChange,
} from '../../../../electron/settings';
import {
  natsConfigFromSettings,
  NatsConfigError,
} from '../../../../electron/sync/nats/nats-config';
import {
  natsSecretFromSettings,
  readNatsSecret,
} from '../../../../electron/sync/nats/nats-secrets';
import { channels } from '../../../../shared/api';
import { natsSyncSettingsSchema } from '../../../../shared/nats-sync';
import { createMemorySecretStore } from '../../../helpers/memory-secret-store';

const SEED = `SU${'A'.repeat(56)}`;
const CREDS = `-----BEGIN NATS USER JWT-----\neyJ0\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${SEED}\n------END USER NKEY SEED------\n`;

const dbs: GateOpsDatabase[] = [];
const dirs: string[] = [];
let n = 0;
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function memoryDb(): Promise<GateOpsDatabase> {
  const db = await openGateOpsDatabase({
    storage: getRxStorageMemory(),
    name: `natssettings${process.pid}x${n++}`,
  });
  dbs.push(db);
  return db;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gate-ops-nats-settings-'));
  dirs.push(dir);
  return dir;
}

function problems(value: unknown): string[] {
  const r = natsSyncSettingsSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('NATS sync settings', () => {
  it('may be saved half-filled while off, and must be complete to be on', () => {
    expect(problems({ venue: 'not yet' })).toEqual([]);
    expect(problems({ enabled: true })).toEqual([
      'servers: needs a server URL (nats://host:4222)',
      'venue: give the venue (event) id',
    ]);
    expect(problems({ enabled: true, servers: 'nats://a', role: 'central' })).toEqual([
      'centralVenues: list the venues to read',
    ]);
    expect(
      problems({ enabled: true, servers: 'nats://a', venue: 'v', auth: 'user', caFile: 'ca.pem' }),
    ).toEqual(['user: give the NATS user name', 'caFile: give the full path of the CA file']);
    expect(problems({ enabled: true, servers: 'nats://a', venue: 'a b' })[0]).toMatch(
      /letters, digits/,
    );
  });

  it('never keeps credentials in the server URL, even while off', () => {
    const [problem] = problems({ servers: 'nats://alice:hunter2@a:4222' });
    expect(problem).toMatch(/do not put credentials in the NATS URL/);
    expect(problem).not.toContain('hunter2');
  });

  it('become the configuration NATS sync runs on', () => {
    const base = natsSyncSettingsSchema.parse({
      enabled: true,
      servers: 'a:4222, tls://b:4223',
      role: 'central',
      centralVenues: ['north', 'south'],
      auth: 'user',
      user: 'ops',
      caFile: '/etc/ca.pem',
      replicas: 3,
    });
    expect(natsConfigFromSettings(base)).toEqual({
      servers: ['nats://a:4222', 'tls://b:4223'],
      role: 'central',
      venues: ['north', 'south'],
      auth: { kind: 'user', user: 'ops' },
      caFile: '/etc/ca.pem',
      replicas: 3,
    });
    expect(() => natsConfigFromSettings({ ...base, centralVenues: [] })).toThrow(NatsConfigError);
  });
});

describe('the NATS secret', () => {
  it('is checked by kind at the API, without quoting it', () => {
    const schema = channels['settings:set-nats-secret'].request;
    expect(schema.safeParse({ kind: 'password', value: 'p' }).success).toBe(true);
    expect(schema.safeParse({ kind: 'nkey', value: `seed: ${SEED}` }).success).toBe(true);
    expect(schema.safeParse({ kind: 'creds', value: CREDS }).success).toBe(true);
    const bad = schema.safeParse({ kind: 'creds', value: 'not-a-creds-file-secret' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).not.toContain('not-a-creds-file-secret');
    expect(bad.error?.issues[0]?.message).toMatch(/holds no user JWT and seed/);
    expect(schema.safeParse({ kind: 'nkey', value: 'SUshort' }).success).toBe(false);
  });

  it('goes to the secret store, shows only its kind, and signals a NATS change', async () => {
    const db = await memoryDb();
    const store = createMemorySecretStore();
    const s = await openSettingsService({
      state: db.state,
      secrets: createMemorySecretStore(),
      natsSecrets: store,
    });
    const changes: SettingsChange[] = [];
    s.onChange((c) => changes.push(c));
    const view = await s.setNatsSecret({ kind: 'password', value: 'hunter2' });
    expect(view.natsSecret).toEqual({
      isSet: true,
      kind: 'password',
      source: 'secure-storage',
      canChange: true,
    });
    expect(JSON.stringify(view)).not.toContain('hunter2');
    expect(changes.map((c) => [c.natsChanged, c.relayTargetChanged])).toEqual([[true, false]]);
    expect(await s.natsSecret()).toEqual({ kind: 'password', value: 'hunter2' });

    await s.update({ natsSync: { ...s.get().natsSync, venue: 'north' } });
    await s.update({ thresholds: { quietMinutes: 5 } });
    expect(changes.map((c) => c.natsChanged)).toEqual([true, true, false]);

    expect((await s.clearNatsSecret()).natsSecret.isSet).toBe(false);
    expect(await s.natsSecret()).toBeNull();
  });

  it('must be the kind the authentication needs', () => {
    expect(() =>
      natsSecretFromSettings({ kind: 'nkey' }, { kind: 'password', value: 'p' }),
    ).toThrow(/the saved NATS secret is a password, but this authentication needs a nkey seed/);
    expect(() => natsSecretFromSettings({ kind: 'user', user: 'u' }, null)).toThrow(
      /no NATS password is saved: set it in Settings/,
    );
    expect(natsSecretFromSettings({ kind: 'nkey' }, { kind: 'nkey', value: SEED })).toEqual({
      kind: 'nkey',
      seed: new TextEncoder().encode(SEED),
    });
  });

  it('lives in an owner-only file in headless mode, refused when others can read it', async () => {
    const dir = await tempDir();
    const store = headlessNatsSecretStore(dir);
    await store.write(JSON.stringify({ kind: 'creds', value: CREDS }));
    const file = join(dir, NATS_SECRET_FILE_NAME);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await store.status()).toMatchObject({ isSet: true, source: 'file', canChange: true });
    await chmod(file, 0o644);
    const status = await store.status();
    expect(status.isSet).toBe(false);
    expect(status.note).toMatch(/refusing the NATS secret file .*other users can read it/);
    await chmod(file, 0o600);
    await writeFile(file, '{"kind":"password"', { mode: 0o600 });
    await expect(store.read()).rejects.toThrow(/is not a saved NATS secret/);
    expect(await readFile(file, 'utf8')).toContain('password'); // kept, not deleted
  });

  it('files named on the command line pass the same owner-only check', async () => {
    const dir = await tempDir();
    const seedFile = join(dir, 'user.nk');
    await writeFile(seedFile, `${SEED}\n`, { mode: 0o640 });
    await expect(readNatsSecret({ kind: 'nkey', seedFile }, {})).rejects.toThrow(
      /refusing the NATS nkey seed file .*: other users can read it \(mode 640\); run: chmod 600/,
    );
    await chmod(seedFile, 0o600);
    expect(await readNatsSecret({ kind: 'nkey', seedFile }, {})).toMatchObject({ kind: 'nkey' });
    const credsFile = join(dir, 'user.creds');
    await writeFile(credsFile, 'nothing here', { mode: 0o600 });
    await expect(readNatsSecret({ kind: 'creds', credsFile }, {})).rejects.toThrow(
      /the NATS creds file .* holds no user JWT and seed/,
    );
  });
});
