import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { openGateOpsDatabase, type GateOpsDatabase } from '../../../../electron/db';
import {
  DAMAGED_SETTINGS_DOC_ID,
  openSettingsService,
  parseStoredSettings,
  SETTINGS_DOC_ID,
  type SecretStore,
  type SettingsChange,
} from '../../../../electron/settings';
import { createMemorySecretStore } from '../../../helpers/memory-secret-store';
import { getRxStorageNodeSqlite } from '../../../../electron/storage';
import { ServiceError } from '../../../../shared/api';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';

const open: GateOpsDatabase[] = [];
const dirs: string[] = [];
let n = 0;

async function memoryDb(): Promise<GateOpsDatabase> {
  const db = await openGateOpsDatabase({
    storage: getRxStorageMemory(),
    name: `settings${process.pid}x${n++}`,
  });
  open.push(db);
  return db;
}

function quietLog() {
  const warnings: string[] = [];
  return { warnings, log: { warn: (m: string) => warnings.push(m) } };
}

afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('settings service', () => {
  it('starts from the defaults with nothing stored', async () => {
    const db = await memoryDb();
    const s = await openSettingsService({ state: db.state, secrets: createMemorySecretStore() });
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(await s.view()).toEqual({
      settings: DEFAULT_SETTINGS,
      relayToken: { isSet: false, source: 'none', canChange: true },
      natsSecret: {
        isSet: false,
        kind: null,
        source: 'none',
        canChange: false,
        note: 'this app cannot keep a NATS secret',
      },
    });
    expect(await db.state.findOne(SETTINGS_DOC_ID).exec()).toBeNull();
  });

  it('refuses a relay URL that carries credentials: they belong in the token field, never in stored settings', async () => {
    const db = await memoryDb();
    const s = await openSettingsService({ state: db.state, secrets: createMemorySecretStore() });
    for (const relayUrl of [
      'ws://alice:hunter2@relay.example/events',
      'wss://relay.example/events?access_token=Q',
      'wss://relay.example/events?venue=north&Token=Q',
    ]) {
      await expect(s.update({ relayUrl })).rejects.toThrow(/token/i);
    }
    expect(await db.state.findOne(SETTINGS_DOC_ID).exec()).toBeNull();
    const ok = await s.update({ relayUrl: 'wss://relay.example/events?venue=north' });
    expect(ok.settings.relayUrl).toBe('wss://relay.example/events?venue=north');
  });

  it('applies a partial patch, stores it, and reads it back on reopen', async () => {
    const db = await memoryDb();
    const s = await openSettingsService({ state: db.state, secrets: createMemorySecretStore() });
    await s.update({ thresholds: { deviceIdleMinutes: 9 } });
    const view = await s.update({ relayUrl: 'wss://relay.example/ws', display: { theme: 'dark' } });
    expect(view.settings).toEqual({
      ...DEFAULT_SETTINGS,
      relayUrl: 'wss://relay.example/ws',
      thresholds: { ...DEFAULT_SETTINGS.thresholds, deviceIdleMinutes: 9 },
      display: { ...DEFAULT_SETTINGS.display, theme: 'dark' },
    });
    // Sections replaced as a whole (capacity) and merged field by field (notifications).
    const more = await s.update({
      notifications: { sound: true },
      capacity: { events: { E1: 5000 }, gates: {}, source: null },
    });
    expect(more.settings.notifications).toEqual({ desktop: true, sound: true });
    expect(more.settings.capacity.events).toEqual({ E1: 5000 });
    await s.update({ notifications: { sound: false }, capacity: DEFAULT_SETTINGS.capacity });
    const again = await openSettingsService({
      state: db.state,
      secrets: createMemorySecretStore(),
    });
    expect(again.get()).toEqual(view.settings);
    const back = await s.update({ relayUrl: null });
    expect(back.settings.relayUrl).toBeNull();
    expect(back.settings.thresholds.deviceIdleMinutes).toBe(9);
  });

  it('refuses an invalid patch without changing anything', async () => {
    const db = await memoryDb();
    const s = await openSettingsService({ state: db.state, secrets: createMemorySecretStore() });
    await expect(s.update({ thresholds: { deviceIdleMinutes: 0 } })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(s.update({ relayUrl: 'http://nope' })).rejects.toBeInstanceOf(ServiceError);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(await db.state.findOne(SETTINGS_DOC_ID).exec()).toBeNull();
  });

  it('keeps working on a damaged document: valid sections kept, the rest defaulted, the raw value saved', async () => {
    const db = await memoryDb();
    const damaged = {
      relayUrl: 'wss://good.example',
      thresholds: { deviceIdleMinutes: 'five', sessionEndMinutes: 60 },
      display: { theme: 'dark' },
    };
    await db.state.insert({ id: SETTINGS_DOC_ID, value: damaged, updatedAt: 1 });
    const { warnings, log } = quietLog();
    const s = await openSettingsService({
      state: db.state,
      secrets: createMemorySecretStore(),
      log,
    });
    expect(s.get()).toEqual({
      ...DEFAULT_SETTINGS,
      relayUrl: 'wss://good.example',
      thresholds: DEFAULT_SETTINGS.thresholds,
      display: { ...DEFAULT_SETTINGS.display, theme: 'dark' },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('thresholds.deviceIdleMinutes');
    const kept = await db.state.findOne(DAMAGED_SETTINGS_DOC_ID).exec();
    expect(kept?.toJSON().value['raw']).toEqual(damaged);
    // The next update writes a valid document.
    await s.update({ display: { timezone: 'Europe/Berlin' } });
    const stored = await db.state.findOne(SETTINGS_DOC_ID).exec();
    expect(parseStoredSettings(stored?.toJSON().value).problems).toEqual([]);
  });

  it('parseStoredSettings survives anything', () => {
    for (const raw of [null, undefined, 42, 'x', [], { relayUrl: 5 }, { thresholds: [] }]) {
      const { settings } = parseStoredSettings(raw);
      expect(settings.thresholds).toEqual(DEFAULT_SETTINGS.thresholds);
    }
    expect(parseStoredSettings({}).problems).toEqual([]);
    expect(parseStoredSettings('x').problems).not.toEqual([]);
    // Unknown keys from a newer version are dropped, not fatal.
    expect(parseStoredSettings({ future: true }).problems).toEqual([]);
  });

  it('notifies changes, and a relay-target change only when the URL or token changed', async () => {
    const db = await memoryDb();
    const s = await openSettingsService({ state: db.state, secrets: createMemorySecretStore() });
    const changes: SettingsChange[] = [];
    const targets: Array<{ url: string | null; token: string | null }> = [];
    s.onChange((c) => changes.push(c));
    const stop = s.onRelayTargetChange((t) => targets.push({ url: t.url, token: t.token }));
    await s.update({ display: { theme: 'light' } });
    await s.update({ relayUrl: 'ws://127.0.0.1:9/x' });
    await s.setRelayToken('tok-123456');
    await s.clearRelayToken();
    expect(changes.map((c) => c.relayTargetChanged)).toEqual([false, true, true, true]);
    expect(changes[0]?.previous.display.theme).toBe('system');
    expect(changes[2]?.view.relayToken.isSet).toBe(true);
    expect(JSON.stringify(changes.map((c) => c.view))).not.toContain('tok-123456');
    expect(targets).toEqual([
      { url: 'ws://127.0.0.1:9/x', token: null },
      { url: 'ws://127.0.0.1:9/x', token: 'tok-123456' },
      { url: 'ws://127.0.0.1:9/x', token: null },
    ]);
    stop();
    await s.update({ relayUrl: null });
    expect(targets).toHaveLength(3);
  });

  it('a failing listener does not break an update', async () => {
    const db = await memoryDb();
    const { warnings, log } = quietLog();
    const s = await openSettingsService({
      state: db.state,
      secrets: createMemorySecretStore(),
      log,
    });
    s.onChange(() => {
      throw new Error('listener bug');
    });
    const seen: string[] = [];
    s.onChange((c) => seen.push(c.settings.display.theme));
    await s.update({ display: { theme: 'dark' } });
    expect(seen).toEqual(['dark']);
    expect(warnings.join()).toContain('listener bug');
  });

  it('serializes concurrent updates: none is lost', async () => {
    const db = await memoryDb();
    const s = await openSettingsService({ state: db.state, secrets: createMemorySecretStore() });
    await Promise.all([
      s.update({ thresholds: { deviceIdleMinutes: 3 } }),
      s.update({ thresholds: { sessionEndMinutes: 45 } }),
      s.update({ display: { theme: 'dark' } }),
    ]);
    const again = await openSettingsService({
      state: db.state,
      secrets: createMemorySecretStore(),
    });
    expect(again.get().thresholds.deviceIdleMinutes).toBe(3);
    expect(again.get().thresholds.sessionEndMinutes).toBe(45);
    expect(again.get().display.theme).toBe('dark');
  });

  it('refuses to change a token the store does not let the renderer change', async () => {
    const db = await memoryDb();
    const fixed: SecretStore = {
      status: async () => ({ isSet: true, source: 'env', canChange: false, note: 'set by env' }),
      read: async () => 'from-env-token',
      write: async () => {
        throw new Error('must not be called');
      },
      clear: async () => {
        throw new Error('must not be called');
      },
    };
    const s = await openSettingsService({ state: db.state, secrets: fixed });
    await expect(s.setRelayToken('another')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.clearRelayToken()).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('reports an unreadable token as a redacted problem, not a crash', async () => {
    const db = await memoryDb();
    const { warnings, log } = quietLog();
    const broken: SecretStore = {
      ...createMemorySecretStore(),
      read: async () => {
        throw new Error('request failed: Authorization: Bearer sekrit-value-1');
      },
    };
    const s = await openSettingsService({ state: db.state, secrets: broken, log });
    const target = await s.relayTarget();
    expect(target.token).toBeNull();
    expect(target.tokenProblem).toContain('[redacted]');
    expect(target.tokenProblem).not.toContain('sekrit');
    expect(warnings.join()).not.toContain('sekrit');
  });

  it('persists in the SQLite database file across a reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateops-settings-'));
    dirs.push(dir);
    const first = await openGateOpsDatabase({
      storage: getRxStorageNodeSqlite({ directory: dir }),
    });
    const s = await openSettingsService({ state: first.state, secrets: createMemorySecretStore() });
    await s.update({ relayUrl: 'wss://relay.example', thresholds: { relayDownSeconds: 60 } });
    await first.close();
    const second = await openGateOpsDatabase({
      storage: getRxStorageNodeSqlite({ directory: dir }),
    });
    open.push(second);
    const t = await openSettingsService({
      state: second.state,
      secrets: createMemorySecretStore(),
    });
    expect(t.get().relayUrl).toBe('wss://relay.example');
    expect(t.get().thresholds.relayDownSeconds).toBe(60);
  });
});
