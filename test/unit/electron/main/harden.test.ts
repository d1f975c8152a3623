import type { Session, WebContents } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy, withCsp } from '../../../../electron/main/content-security-policy';
import {
  hardenSession,
  hardenWebContents,
  isSafeExternalUrl,
} from '../../../../electron/main/harden-web-contents';
import { createRendererUrlPolicy } from '../../../../electron/main/renderer-url-policy';

type Listener = (...args: any[]) => unknown;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (name: string, l: Listener) => {
      listeners.set(name, l);
      return contents;
    },
    setWindowOpenHandler: (h: typeof openHandler) => {
      openHandler = h;
    },
  };
  const fire = (name: string, ...args: unknown[]) => {
    const event = { preventDefault: vi.fn(), isMainFrame: false };
    Object.assign(event, args[0] ?? {});
    listeners.get(name)?.(event, ...args.slice(1));
    return event;
  };
  return { contents: contents as unknown as WebContents, listeners, fire, open: () => openHandler };
}

describe('hardenWebContents', () => {
  function setup() {
    const fake = fakeContents();
    const openExternal = vi.fn();
    const warnings: string[] = [];
    hardenWebContents(fake.contents, { openExternal, log: { warn: (m) => warnings.push(m) } });
    return { ...fake, openExternal, warnings };
  }

  it('denies every navigation; an https link goes to the system browser instead', () => {
    const { fire, openExternal } = setup();
    expect(
      fire('will-navigate', {}, 'https://docs.example/help').preventDefault,
    ).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledWith('https://docs.example/help');
    for (const url of [
      'http://insecure.example/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://user:pw@host/',
      'not a url',
    ]) {
      expect(fire('will-navigate', {}, url).preventDefault).toHaveBeenCalled();
    }
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('denies new windows, opening only https URLs externally', () => {
    const { open, openExternal } = setup();
    const handler = open();
    expect(handler?.({ url: 'https://example.com/x' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: 'file:///tmp/x.html' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: 'about:blank' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://example.com/x']]);
  });

  it('prevents webviews, redirects and subframe navigation', () => {
    const { fire, warnings } = setup();
    expect(fire('will-attach-webview', {}, {}, {}).preventDefault).toHaveBeenCalled();
    expect(warnings.join()).toContain('webview');
    expect(fire('will-redirect', {}, 'https://x/').preventDefault).toHaveBeenCalled();
    expect(fire('will-frame-navigate', { isMainFrame: false }).preventDefault).toHaveBeenCalled();
  });

  it('a failing openExternal is logged, not thrown', async () => {
    const fake = fakeContents();
    const warnings: string[] = [];
    hardenWebContents(fake.contents, {
      openExternal: () => Promise.reject(new Error('no browser')),
      log: { warn: (m) => warnings.push(m) },
    });
    fake.fire('will-navigate', {}, 'https://example.com/');
    await new Promise((r) => setImmediate(r));
    expect(warnings.join()).toContain('no browser');
  });

  it('isSafeExternalUrl accepts only plain https', () => {
    expect(isSafeExternalUrl('https://a.example/b?c#d')).toBe(true);
    expect(isSafeExternalUrl('HTTPS://A.EXAMPLE')).toBe(true);
    expect(isSafeExternalUrl('http://a.example')).toBe(false);
    expect(isSafeExternalUrl('mailto:a@b')).toBe(false);
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const captured: Record<string, Listener> = {};
    const session = {
      setPermissionRequestHandler: (h: Listener) => (captured['request'] = h),
      setPermissionCheckHandler: (h: Listener) => (captured['check'] = h),
      setDevicePermissionHandler: (h: Listener) => (captured['device'] = h),
      webRequest: { onHeadersReceived: (h: Listener) => (captured['headers'] = h) },
    };
    return { session: session as unknown as Session, captured };
  }

  it('denies every permission request and check', () => {
    const { session, captured } = fakeSession();
    hardenSession(session, { csp: "default-src 'self'", log: { warn: () => undefined } });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid']) {
      const callback = vi.fn();
      captured['request']?.({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(captured['check']?.({}, permission, 'file://', {})).toBe(false);
    }
    expect(captured['device']?.({ deviceType: 'usb' })).toBe(false);
  });

  it('sets the CSP header on every response, replacing one the server sent', () => {
    const { session, captured } = fakeSession();
    hardenSession(session, { csp: 'X' });
    const callback = vi.fn();
    captured['headers']?.(
      { responseHeaders: { 'content-security-policy': ['lax'], 'Content-Type': ['text/html'] } },
      callback,
    );
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': ['X'] },
    });
    const cb2 = vi.fn();
    captured['headers']?.({}, cb2);
    expect(cb2).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': ['X'] } });
  });
});

describe('content security policy', () => {
  it('is strict in production: self only, no inline script, no remote connections', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('ws:');
  });

  it('allows the dev server’s HMR socket only in development', () => {
    const csp = contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' });
    expect(csp).toContain("connect-src 'self' ws://localhost:5173");
  });

  it('withCsp keeps other headers', () => {
    expect(withCsp({ A: ['1'] }, 'c')).toEqual({ A: ['1'], 'Content-Security-Policy': ['c'] });
  });
});

describe('renderer URL policy', () => {
  it('accepts only our built index.html in production', () => {
    const index = '/opt/Gate Ops/resources/app.asar/out/renderer/index.html';
    const policy = createRendererUrlPolicy({ indexHtmlPath: index });
    const ours = pathToFileURL(index).href;
    expect(policy.entry).toEqual({ kind: 'file', path: index });
    expect(policy.isAppUrl(ours)).toBe(true);
    expect(policy.isAppUrl(`${ours}#/devices?x=1`)).toBe(true);
    expect(policy.isAppUrl(pathToFileURL('/tmp/index.html').href)).toBe(false);
    expect(
      policy.isAppUrl('file://evil-host/opt/Gate%20Ops/resources/app.asar/out/renderer/index.html'),
    ).toBe(false);
    expect(policy.isAppUrl('https://example.com/')).toBe(false);
    expect(policy.isAppUrl('garbage')).toBe(false);
  });

  it('accepts the dev server origin in development, and only a local one', () => {
    const policy = createRendererUrlPolicy({
      indexHtmlPath: '/x/index.html',
      devServerUrl: 'http://localhost:5173/',
    });
    expect(policy.entry).toEqual({ kind: 'url', url: 'http://localhost:5173/' });
    expect(policy.isAppUrl('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(policy.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(() =>
      createRendererUrlPolicy({ indexHtmlPath: '/x', devServerUrl: 'https://evil.example/' }),
    ).toThrow(/local http/);
  });
});

describe('the renderer’s own CSP meta tag (both hosts)', () => {
  const root = join(import.meta.dirname, '../../../..');
  const metaCsp = (html: string): string =>
    /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
  const directives = (csp: string): Map<string, string[]> =>
    new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((parts) => parts[0])
        .map(([name, ...values]) => [name as string, values]),
    );

  for (const file of ['renderer/index.html', 'out/renderer/index.html']) {
    it.skipIf(!existsSync(join(root, file)))(
      `${file} is strict: self only, no inline script`,
      () => {
        const d = directives(metaCsp(readFileSync(join(root, file), 'utf8')));
        expect(d.get('default-src')).toEqual(["'self'"]);
        const script = d.get('script-src') ?? d.get('default-src') ?? [];
        expect(script).not.toContain("'unsafe-inline'");
        expect(script).not.toContain("'unsafe-eval'");
        // Headless mode's API websocket on loopback is the one allowed remote connection.
        for (const source of d.get('connect-src') ?? []) {
          expect(["'self'", 'ws://127.0.0.1:*']).toContain(source);
        }
      },
    );
  }
});
