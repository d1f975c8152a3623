import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import {
  acceleratorOf,
  buildMenuTemplate,
  shortcutInputEvents,
} from '../../../../electron/main/app-menu';
import { installCleanShutdown } from '../../../../electron/main/clean-shutdown';
import { watchReconnectTriggers } from '../../../../electron/main/reconnect-triggers';
import { SEARCH_SHORTCUT, VIEW_SHORTCUTS } from '../../../../shared/view-shortcuts';
import { keyCommand, VIEWS } from '../../../../renderer/src/nav';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [
    ...(i.role ? [String(i.role)] : []),
    ...(Array.isArray(i.submenu) ? roles(i.submenu) : []),
  ]);
}

describe('application menu', () => {
  const sendShortcut = vi.fn();
  const base = { appName: 'Gate Ops', sendShortcut };

  it('has the usual roles; reload and devtools only in development', () => {
    const prod = roles(buildMenuTemplate({ ...base, isMac: false, isDev: false }));
    for (const r of [
      'undo',
      'redo',
      'cut',
      'copy',
      'paste',
      'selectAll',
      'zoomIn',
      'zoomOut',
      'resetZoom',
      'togglefullscreen',
      'minimize',
      'about',
      'quit',
    ]) {
      expect(prod).toContain(r);
    }
    expect(prod).not.toContain('reload');
    expect(prod).not.toContain('toggleDevTools');
    const dev = roles(buildMenuTemplate({ ...base, isMac: false, isDev: true }));
    expect(dev).toContain('reload');
    expect(dev).toContain('toggleDevTools');
    const mac = roles(buildMenuTemplate({ ...base, isMac: true, isDev: false }));
    expect(mac).toEqual(
      expect.arrayContaining(['hide', 'services', 'front', 'pasteAndMatchStyle']),
    );
  });

  it('the Go menu shows every view key, leaves the key to the renderer, and sends it on click', () => {
    const template = buildMenuTemplate({ ...base, isMac: false, isDev: false });
    const go = template.find((i) => i.label === '&Go');
    const items = go?.submenu as MenuItemConstructorOptions[];
    expect(items.map((i) => i.accelerator)).toEqual(
      // Electron names a letter key in upper case (no Shift): 't' → 'T'.
      [...VIEW_SHORTCUTS, SEARCH_SHORTCUT].map((s) => acceleratorOf(s)),
    );
    for (const item of items) expect(item.registerAccelerator).toBe(false);
    (items[1]?.click as () => void)();
    expect(sendShortcut).toHaveBeenCalledWith(VIEW_SHORTCUTS[1]);
    expect(shortcutInputEvents(SEARCH_SHORTCUT)).toEqual([
      { type: 'keyDown', keyCode: '/' },
      { type: 'keyUp', keyCode: '/' },
    ]);
  });

  it('lists exactly the keys the renderer handles, each opening the view it names', () => {
    const template = buildMenuTemplate({ ...base, isMac: false, isDev: false });
    const go = template.find((i) => i.label === '&Go');
    const items = go?.submenu as MenuItemConstructorOptions[];
    // The menu lists every view of the side bar, in its order, under the same label.
    expect(items.slice(0, -1).map((i) => i.label)).toEqual(VIEWS.map((v) => v.label));
    for (const s of VIEW_SHORTCUTS) {
      expect(keyCommand(s.key)).toEqual({ view: s.view, search: false });
    }
    expect(keyCommand(SEARCH_SHORTCUT.key)).toEqual({ view: 'checkins', search: true });
    // One key, one view: no key is listed twice, no view has two keys.
    const keys = [...VIEW_SHORTCUTS, SEARCH_SHORTCUT].map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(VIEW_SHORTCUTS.map((s) => s.view)).size).toBe(VIEW_SHORTCUTS.length);
    // Keys the menu does not list do nothing.
    for (const key of ['0', 'a', 'Enter', ' ']) expect(keyCommand(key)).toBeUndefined();
  });
});

describe('reconnect triggers', () => {
  function setup(initiallyOnline: boolean) {
    let online = initiallyOnline;
    const listeners = new Map<string, () => void>();
    let tick: () => void = () => undefined;
    const reconnectNow = vi.fn();
    const stop = watchReconnectTriggers({
      powerMonitor: {
        on: (e, l) => listeners.set(e, l),
        removeListener: (e) => listeners.delete(e),
      },
      isOnline: () => online,
      reconnectNow,
      setInterval: (fn) => {
        tick = fn;
        return 1;
      },
      clearInterval: () => {
        tick = () => undefined;
      },
    });
    return {
      listeners,
      tick: () => tick(),
      setOnline: (v: boolean) => (online = v),
      reconnectNow,
      stop,
    };
  }

  it('reconnects at once on resume from sleep', () => {
    const t = setup(true);
    t.listeners.get('resume')?.();
    expect(t.reconnectNow).toHaveBeenCalledWith('resume');
  });

  it('reconnects when the network comes back, once per transition', () => {
    const t = setup(false);
    t.tick();
    expect(t.reconnectNow).not.toHaveBeenCalled();
    t.setOnline(true);
    t.tick();
    t.tick();
    expect(t.reconnectNow).toHaveBeenCalledTimes(1);
    expect(t.reconnectNow).toHaveBeenCalledWith('online');
    t.setOnline(false);
    t.tick();
    t.setOnline(true);
    t.tick();
    expect(t.reconnectNow).toHaveBeenCalledTimes(2);
  });

  it('stops listening', () => {
    const t = setup(false);
    t.stop();
    expect(t.listeners.size).toBe(0);
    t.setOnline(true);
    t.tick();
    expect(t.reconnectNow).not.toHaveBeenCalled();
  });
});

describe('clean shutdown', () => {
  function fakeApp() {
    let listener: ((e: { preventDefault(): void }) => void) | undefined;
    const app = {
      quit: vi.fn(() => {
        const event = { preventDefault: vi.fn() };
        listener?.(event);
        return event;
      }),
      on: (_e: 'before-quit', l: typeof listener) => {
        listener = l;
      },
    };
    const beforeQuit = () => {
      const event = { preventDefault: vi.fn() };
      listener?.(event);
      return event;
    };
    return { app, beforeQuit };
  }

  it('holds the first quit until the core has closed, then quits for real', async () => {
    const { app, beforeQuit } = fakeApp();
    let finish: () => void = () => undefined;
    const close = vi.fn(() => new Promise<void>((r) => (finish = r)));
    installCleanShutdown(app, close, { setTimer: () => undefined });
    const first = beforeQuit();
    expect(first.preventDefault).toHaveBeenCalled();
    expect(beforeQuit().preventDefault).toHaveBeenCalled(); // a second Cmd+Q while closing
    expect(close).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();
    finish();
    await new Promise((r) => setImmediate(r));
    expect(app.quit).toHaveBeenCalledTimes(1);
    // The quit it issued is let through.
    expect(app.quit.mock.results[0]?.value.preventDefault).not.toHaveBeenCalled();
  });

  it('quits anyway when closing fails or hangs', async () => {
    const failing = fakeApp();
    const warnings: string[] = [];
    installCleanShutdown(failing.app, () => Promise.reject(new Error('disk gone')), {
      setTimer: () => undefined,
      log: { warn: (m) => warnings.push(m) },
    });
    failing.beforeQuit();
    await new Promise((r) => setImmediate(r));
    expect(failing.app.quit).toHaveBeenCalledTimes(1);
    expect(warnings.join()).toContain('disk gone');

    const hanging = fakeApp();
    let fire: () => void = () => undefined;
    installCleanShutdown(hanging.app, () => new Promise<void>(() => undefined), {
      setTimer: (fn) => (fire = fn),
      log: { warn: () => undefined },
    });
    hanging.beforeQuit();
    expect(hanging.app.quit).not.toHaveBeenCalled();
    fire();
    expect(hanging.app.quit).toHaveBeenCalledTimes(1);
  });
});
