import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMethods, type GateOpsBridge } from '../../../../shared/api';

const exposeInMainWorld = vi.fn();
const ipcRenderer = {
  invoke: vi.fn(async (): Promise<unknown> => ({ ok: true, value: null })),
  send: vi.fn(),
  on: vi.fn(),
};

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld },
  ipcRenderer,
}));

beforeEach(() => {
  vi.resetModules();
  exposeInMainWorld.mockClear();
  ipcRenderer.invoke.mockClear();
  ipcRenderer.send.mockClear();
  ipcRenderer.on.mockClear();
});

async function loadPreload(): Promise<GateOpsBridge> {
  await import('../../../../electron/preload/index');
  expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [key, api] = exposeInMainWorld.mock.calls[0] as [string, GateOpsBridge];
  expect(key).toBe('gateOps');
  return api;
}

describe('preload', () => {
  it('exposes exactly the GateOpsApi methods as window.gateOps, and nothing else', async () => {
    const api = await loadPreload();
    expect(Object.keys(api).sort()).toEqual(Object.keys(apiMethods).sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    // No IPC primitive leaks out under any name.
    for (const value of Object.values(api)) {
      expect(value).not.toBe(ipcRenderer.invoke);
      expect(value).not.toBe(ipcRenderer.send);
      expect(value).not.toBe(ipcRenderer.on);
    }
  });

  it('a query method invokes its own channel with the request', async () => {
    const api = await loadPreload();
    ipcRenderer.invoke.mockResolvedValueOnce({
      ok: true,
      value: { version: '1', host: 'electron', demo: false, dataDir: '/d' },
    });
    expect(await api.getAppInfo({})).toMatchObject({ ok: true, value: { version: '1' } });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('app:info', {});
  });

  it('a failed query resolves with the error as plain data (an Error would lose its code in the bridge)', async () => {
    const api = await loadPreload();
    ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { code: 'forbidden', message: 'set by env' },
    });
    const failed = await api.clearRelayToken({});
    expect(failed).toEqual({ ok: false, error: { code: 'forbidden', message: 'set by env' } });
    expect(Object.getPrototypeOf((failed as { error: object }).error)).toBe(Object.prototype);
    // Main gone or an uncloneable payload: still a typed failure, never a rejection or a hang.
    ipcRenderer.invoke.mockRejectedValueOnce(new Error('main is gone'));
    const down = await api.getAppInfo({});
    expect(down).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(JSON.stringify(down)).toContain('main is gone');
  });

  it('subscriptions drop the Electron event and return an unsubscribe function', async () => {
    const api = await loadPreload();
    expect(ipcRenderer.on).toHaveBeenCalledTimes(1);
    const [, dispatch] = ipcRenderer.on.mock.calls[0] as unknown as [
      string,
      (event: unknown, msg: unknown) => void,
    ];
    const seen: unknown[][] = [];
    const stop = api.onSettingsChanged({}, (...args: unknown[]) => seen.push(args));
    expect(typeof stop).toBe('function');
    const [subscribeChannel, msg] = ipcRenderer.invoke.mock.calls.at(-1) as unknown as [
      string,
      { page: string; id: string; channel: string; request: unknown },
    ];
    expect(subscribeChannel).toBe('gateops:subscribe');
    expect(msg).toMatchObject({ channel: 'settings:changes', request: {} });
    const electronEvent = { sender: {}, senderId: 0 };
    dispatch(electronEvent, { id: msg.id, event: { hello: 1 } });
    dispatch(electronEvent, { id: 'someone-else', event: { hello: 2 } });
    expect(seen).toEqual([[{ hello: 1 }]]);
    stop();
    stop();
    expect(ipcRenderer.send).toHaveBeenCalledTimes(1);
    expect(ipcRenderer.send).toHaveBeenCalledWith('gateops:unsubscribe', {
      page: msg.page,
      id: msg.id,
    });
    expect(msg.page).toMatch(/^[0-9a-f]{24}$/);
    dispatch(electronEvent, { id: msg.id, event: { hello: 3 } });
    expect(seen).toHaveLength(1);
  });
});
