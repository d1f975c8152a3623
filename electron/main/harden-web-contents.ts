/**
 * Locks down every webContents and the session: no navigation away from the app, no new windows
 * (https links open in the system browser, everything else is refused), no <webview>, no
 * permission ever granted (camera, notifications, geolocation, HID, serial, …), and the CSP on
 * every response. Electron types only (erased at runtime), so tests pass small fakes.
 */
import type { Session, WebContents } from 'electron';
import { withCsp } from './content-security-policy';

export interface HardenOptions {
  /** shell.openExternal in the app. */
  readonly openExternal: (url: string) => Promise<void> | void;
  readonly log?: { warn(message: string): void };
}

/** Only a well-formed https URL may leave the app, to the system browser. */
export function isSafeExternalUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (
      url.protocol === 'https:' &&
      url.hostname.length > 0 &&
      url.username === '' &&
      url.password === ''
    );
  } catch {
    return false;
  }
}

export function hardenWebContents(contents: WebContents, options: HardenOptions): void {
  const log = options.log ?? { warn: (m: string) => console.warn(`[security] ${m}`) };

  const openOutside = (url: string, why: string): void => {
    if (isSafeExternalUrl(url)) {
      void Promise.resolve(options.openExternal(url)).catch((error: unknown) =>
        log.warn(`could not open ${url} in the browser: ${String(error)}`),
      );
    } else {
      log.warn(`blocked ${why} to ${url.slice(0, 200)}`);
    }
  };

  // The app is a single page: it never navigates. A clicked https link opens in the browser.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openOutside(url, 'navigation');
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url, 'a new window');
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('blocked a <webview>');
  });
}

export interface SessionHardenOptions {
  readonly csp: string;
  readonly log?: { warn(message: string): void };
}

export function hardenSession(session: Session, options: SessionHardenOptions): void {
  const log = options.log ?? { warn: (m: string) => console.warn(`[security] ${m}`) };
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn(`denied a permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders, options.csp) });
  });
}
