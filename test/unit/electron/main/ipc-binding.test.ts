import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { ApiRouter } from '../../../../electron/api/router';
import { bindIpc } from '../../../../electron/main/ipc-binding';
import { createRendererUrlPolicy } from '../../../../electron/main/renderer-url-policy';
import { IPC_EVENT, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE } from '../../../../shared/api/ipc-protocol';
import { channels, ServiceError, type SettingsView } from '../../../../shared/api';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';
import {
  connectRenderer,
  FakeIpcMain,
  FakeWebContents,
  flush,
} from '../../../helpers/fake-electron';

const indexHtml = '/opt/Gate Ops/resources/app.asar/out/renderer/index.html';
const appUrl = `${pathToFileURL(indexHtml).href}#/gates`;
const info = { version: '1.0.0', host: 'electron', demo: true, dataDir: '/d' } as const;
const view: SettingsView = {
  settings: DEFAULT_SETTINGS,
  relayToken: { isSet: false, source: 'none', canChange: true },
  natsSecret: { isSet: false, kind: null, source: 'none', canChange: true },
};

/** The IPC_SUBSCRIBE message for a settings:changes subscription `id` of page `page`. */
function settingsChanges(page: string, id: string) {
  return { page, id, channel: 'settings:changes', request: {} };
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const router = new ApiRouter();
  const appInfo = vi.fn(() => info);
  router.handle('app:info', appInfo);
  const emitters = new Set<(e: SettingsView) => void>();
  const stops: number[] = [];
  router.handleSubscription('settings:changes', (_req, emit) => {
    emitters.add(emit);
    return () => {
      emitters.delete(emit);
      stops.push(1);
    };
  });
  const ours = new FakeWebContents(appUrl);
  const warnings: string[] = [];
  const policy = createRendererUrlPolicy({ indexHtmlPath: indexHtml });
  const binding = bindIpc({
    ipc: ipcMain,
    router,
    isOurWebContents: (c) => c === ours,
    isAppUrl: policy.isAppUrl,
    log: { warn: (m) => warnings.push(m) },
  });
  return { ipcMain, router, appInfo, emitters, stops, ours, binding, warnings };
}

describe('IPC binding', () => {
  it('registers one handle per query channel plus subscribe/unsubscribe', () => {
    const { ipcMain } = setup();
    const queries = Object.entries(channels)
      .filter(([, d]) => d.kind === 'query')
      .map(([n]) => n);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...queries, IPC_SUBSCRIBE].sort());
    expect(ipcMain.listeners.get(IPC_UNSUBSCRIBE)?.size).toBe(1);
  });

  it('routes a query from our window to the router', async () => {
    const { ipcMain, ours } = setup();
    const r = connectRenderer(ipcMain, ours);
    expect(await r.invoke('app:info', {})).toEqual({ ok: true, value: info });
  });

  it('answers a bad payload or an unhandled channel with a typed error', async () => {
    const { ipcMain, ours, appInfo } = setup();
    const r = connectRenderer(ipcMain, ours);
    for (const payload of [{ extra: 1 }, null, 'x', 42, [1]]) {
      expect(await r.invoke('app:info', payload)).toMatchObject({
        ok: false,
        error: { code: 'bad_request' },
      });
    }
    expect(appInfo).not.toHaveBeenCalled();
    // In the channel map but nobody registered it: typed, not a hang or a throw.
    expect(await r.invoke('settings:get', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_channel' },
    });
  });

  it('turns a throwing service into a typed error', async () => {
    const { ipcMain, ours, router } = setup();
    router.handle('settings:get', () => {
      throw new ServiceError('unavailable', 'database closed');
    });
    const r = connectRenderer(ipcMain, ours);
    expect(await r.invoke('settings:get', {})).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'database closed' },
    });
  });

  it('refuses foreign senders: another webContents, an iframe, a foreign URL, a gone frame', async () => {
    const { ipcMain, ours, appInfo, emitters, warnings } = setup();
    const stranger = new FakeWebContents(appUrl);
    const navigatedAway = new FakeWebContents('https://evil.example/');
    const senders = [
      connectRenderer(ipcMain, stranger),
      connectRenderer(ipcMain, ours, { url: appUrl, processId: 7, routingId: 999 }),
      connectRenderer(ipcMain, ours, { ...ours.mainFrame, url: 'https://evil.example/x' }),
      connectRenderer(ipcMain, ours, {
        ...ours.mainFrame,
        url: pathToFileURL('/tmp/other/index.html').href,
      }),
      connectRenderer(ipcMain, ours, null),
      connectRenderer(ipcMain, navigatedAway),
    ];
    for (const r of senders) {
      expect(await r.invoke('app:info', {})).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await r.invoke(IPC_SUBSCRIBE, settingsChanges('p1', 'a'))).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect(appInfo).not.toHaveBeenCalled();
    expect(emitters.size).toBe(0);
    expect(warnings.length).toBe(senders.length * 2);
  });

  it('refuses a destroyed sender', async () => {
    const { ipcMain, ours } = setup();
    const r = connectRenderer(ipcMain, ours);
    ours.destroyed = true;
    expect(await r.invoke('app:info', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('delivers subscription events by id and stops on unsubscribe', async () => {
    const { ipcMain, ours, emitters, stops, binding } = setup();
    const r = connectRenderer(ipcMain, ours);
    const received: unknown[] = [];
    r.on(IPC_EVENT, (_e, msg) => received.push(msg));
    expect(await r.invoke(IPC_SUBSCRIBE, settingsChanges('p1', 's1'))).toEqual({
      ok: true,
      value: null,
    });
    expect(binding.subscriptionCount()).toBe(1);
    for (const emit of emitters) emit(view);
    expect(received).toEqual([{ id: 's1', event: view }]);
    // Another page's unsubscribe, or a malformed one, is ignored.
    r.send(IPC_UNSUBSCRIBE, { page: 'p0', id: 's1' });
    r.send(IPC_UNSUBSCRIBE, 's1');
    r.send(IPC_UNSUBSCRIBE, { id: 's1' });
    expect(stops).toHaveLength(0);
    r.send(IPC_UNSUBSCRIBE, { page: 'p1', id: 's1' });
    expect(stops).toHaveLength(1);
    expect(binding.subscriptionCount()).toBe(0);
    r.send(IPC_UNSUBSCRIBE, { page: 'p1', id: 's1' });
    expect(stops).toHaveLength(1);
  });

  it('rejects malformed subscribe messages and unknown subscription channels', async () => {
    const { ipcMain, ours, binding } = setup();
    const r = connectRenderer(ipcMain, ours);
    for (const msg of [
      null,
      'settings:changes',
      { page: 'p1', id: 's1', channel: 'settings:changes', request: {}, extra: 1 },
      { page: 'p1', id: '../../x', channel: 'settings:changes', request: {} },
      { page: 'p1', id: 'x'.repeat(65), channel: 'settings:changes', request: {} },
      { page: 'p1', id: 's1', channel: 42, request: {} },
    ]) {
      expect(await r.invoke(IPC_SUBSCRIBE, msg)).toMatchObject({
        ok: false,
        error: { code: 'bad_request' },
      });
    }
    expect(
      await r.invoke(IPC_SUBSCRIBE, { page: 'p1', id: 's2', channel: 'nope:nothing', request: {} }),
    ).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(
      await r.invoke(IPC_SUBSCRIBE, {
        page: 'p1',
        id: 's3',
        channel: 'settings:changes',
        request: { a: 1 },
      }),
    ).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(binding.subscriptionCount()).toBe(0);
  });

  it('cleans up every subscription when the window reloads (a new page id) or is destroyed', async () => {
    const { ipcMain, ours, emitters, binding } = setup();
    const r = connectRenderer(ipcMain, ours);
    await r.invoke(IPC_SUBSCRIBE, settingsChanges('p1', 'a'));
    await r.invoke(IPC_SUBSCRIBE, settingsChanges('p1', 'b'));
    expect(emitters.size).toBe(2);
    // The reloaded page subscribes with its own page id: the old page's subscriptions end.
    await r.invoke(IPC_SUBSCRIBE, settingsChanges('p2', 'a'));
    expect(emitters.size).toBe(1);
    expect(binding.subscriptionCount()).toBe(1);
    ours.destroy();
    expect(emitters.size).toBe(0);
    expect(binding.subscriptionCount()).toBe(0);
    expect(ours.listenerCount('destroyed')).toBe(0);
  });

  it('re-subscribing with the same id replaces the old subscription', async () => {
    const { ipcMain, ours, emitters, stops } = setup();
    const r = connectRenderer(ipcMain, ours);
    await r.invoke(IPC_SUBSCRIBE, settingsChanges('p1', 'a'));
    await r.invoke(IPC_SUBSCRIBE, settingsChanges('p1', 'a'));
    expect(emitters.size).toBe(1);
    expect(stops).toHaveLength(1);
  });

  it('caps live subscriptions per window', async () => {
    const ipcMain = new FakeIpcMain();
    const router = new ApiRouter();
    router.handleSubscription('settings:changes', () => () => undefined);
    const ours = new FakeWebContents(appUrl);
    bindIpc({
      ipc: ipcMain,
      router,
      isOurWebContents: (c) => c === ours,
      isAppUrl: () => true,
      maxSubscriptionsPerContents: 2,
      log: { warn: () => undefined },
    });
    const r = connectRenderer(ipcMain, ours);
    const results = [];
    for (const id of ['a', 'b', 'c']) {
      results.push(await r.invoke(IPC_SUBSCRIBE, settingsChanges('p1', id)));
    }
    expect(results.map((x) => (x as { ok: boolean }).ok)).toEqual([true, true, false]);
  });

  it('does not send to a destroyed window and disposes cleanly', async () => {
    const { ipcMain, ours, emitters, binding } = setup();
    const r = connectRenderer(ipcMain, ours);
    expect(await r.invoke(IPC_SUBSCRIBE, settingsChanges('p1', 'a'))).toMatchObject({ ok: true });
    expect(emitters.size).toBe(1);
    const [emit] = [...emitters];
    const sentBefore = ours.sent.length;
    ours.destroyed = true; // destroyed, 'destroyed' event not yet delivered
    expect(() => emit!(view)).not.toThrow();
    expect(ours.sent.length).toBe(sentBefore);
    binding.dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.listeners.get(IPC_UNSUBSCRIBE)?.size).toBe(0);
    expect(binding.subscriptionCount()).toBe(0);
    await flush();
  });
});
