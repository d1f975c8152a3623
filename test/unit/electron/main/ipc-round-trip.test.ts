import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiRouter } from '../../../../electron/api/router';
import { registerSettingsHandlers } from '../../../../electron/api/settings-handlers';
import { openGateOpsDatabase, type GateOpsDatabase } from '../../../../electron/db';
import { bindIpc } from '../../../../electron/main/ipc-binding';
import { createIpcTransport } from '../../../../electron/preload/ipc-transport';
import { openSettingsService } from '../../../../electron/settings';
import { createMemorySecretStore } from '../../../helpers/memory-secret-store';
import { ApiCallError, buildApi, type SettingsView } from '../../../../shared/api';
import {
  connectRenderer,
  FakeIpcMain,
  FakeWebContents,
  flush,
} from '../../../helpers/fake-electron';

let db: GateOpsDatabase | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe('preload transport ↔ IPC binding ↔ router (fakes for Electron only)', () => {
  it('the renderer uses the settings API end to end, and errors keep their code', async () => {
    db = await openGateOpsDatabase({
      storage: getRxStorageMemory(),
      name: `roundtrip${process.pid}`,
    });
    const settings = await openSettingsService({
      state: db.state,
      secrets: createMemorySecretStore(),
    });
    const router = new ApiRouter();
    registerSettingsHandlers(router, { settings });
    const ipcMain = new FakeIpcMain();
    const contents = new FakeWebContents('http://localhost:5173/');
    const binding = bindIpc({
      ipc: ipcMain,
      router,
      isOurWebContents: (c) => c === contents,
      isAppUrl: (url) => new URL(url).origin === 'http://localhost:5173',
    });
    const ipcRenderer = connectRenderer(ipcMain, contents);
    const api = buildApi(createIpcTransport(ipcRenderer));

    const views: SettingsView[] = [];
    const stop = api.onSettingsChanged({}, (v) => views.push(v));
    await flush();
    await flush();
    expect(views).toHaveLength(1);

    const updated = await api.updateSettings({ patch: { display: { theme: 'dark' } } });
    expect(updated.settings.display.theme).toBe('dark');
    await api.setRelayToken({ token: 'abc-123-token' });
    expect((await api.getSettings({})).relayToken.isSet).toBe(true);
    await flush();
    expect(views.map((v) => v.settings.display.theme)).toEqual(['system', 'dark', 'dark']);
    expect(JSON.stringify(views)).not.toContain('abc-123-token');

    const bad = await api
      .updateSettings({ patch: { thresholds: { deviceIdleMinutes: -1 } } })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiCallError);
    expect(bad).toMatchObject({ code: 'bad_request' });

    stop();
    await flush();
    expect(binding.subscriptionCount()).toBe(0);
    await api.updateSettings({ patch: { display: { theme: 'light' } } });
    await flush(); // as long as the change took to arrive above, while subscribed
    expect(views).toHaveLength(3);
  });

  it('a refused subscription reaches onError with its code, and nothing leaks', async () => {
    const ipcMain = new FakeIpcMain();
    const contents = new FakeWebContents('http://localhost:5173/');
    const binding = bindIpc({
      ipc: ipcMain,
      router: new ApiRouter(),
      isOurWebContents: (c) => c === contents,
      isAppUrl: () => true,
    });
    const transport = createIpcTransport(connectRenderer(ipcMain, contents));
    const errors: ApiCallError[] = [];
    const events: unknown[] = [];
    transport.subscribe(
      'settings:changes',
      {},
      (e) => events.push(e),
      (e) => errors.push(e),
    );
    await flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ApiCallError);
    expect(errors[0]?.code).toBe('unknown_channel');
    expect(binding.subscriptionCount()).toBe(0);
    const down = createIpcTransport({
      invoke: () => Promise.reject(new Error('render process gone')),
      send: () => undefined,
      on: () => undefined,
    });
    down.subscribe(
      'settings:changes',
      {},
      () => undefined,
      (e) => errors.push(e),
    );
    expect(await down.query('app:info', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    await flush();
    expect(errors[1]?.code).toBe('unavailable');
  });
});
