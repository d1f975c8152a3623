/**
 * Which URLs are "our renderer": the built index.html (file://) in a packaged app, or the
 * electron-vite dev server's origin in development. The IPC sender check and the CSP use this.
 * No electron import.
 */
import { pathToFileURL } from 'node:url';

export interface RendererUrlPolicy {
  /** What the window loads. */
  readonly entry:
    | { readonly kind: 'file'; readonly path: string }
    | { readonly kind: 'url'; readonly url: string };
  isAppUrl(url: string): boolean;
}

export interface RendererUrlPolicyOptions {
  /** Absolute path of the built renderer's index.html. */
  readonly indexHtmlPath: string;
  /** ELECTRON_RENDERER_URL in development (only honoured when the app is not packaged). */
  readonly devServerUrl?: string | undefined;
}

export function createRendererUrlPolicy(options: RendererUrlPolicyOptions): RendererUrlPolicy {
  const dev = options.devServerUrl ? parseDevServer(options.devServerUrl) : null;
  if (dev) {
    return {
      entry: { kind: 'url', url: dev.href },
      isAppUrl: (url) => safeUrl(url)?.origin === dev.origin,
    };
  }
  const index = pathToFileURL(options.indexHtmlPath);
  return {
    entry: { kind: 'file', path: options.indexHtmlPath },
    isAppUrl: (url) => {
      const u = safeUrl(url);
      // The hash and query are the app's own routing; the file itself must be ours.
      return u !== null && u.protocol === 'file:' && u.host === '' && u.pathname === index.pathname;
    },
  };
}

function parseDevServer(raw: string): URL {
  const url = safeUrl(raw);
  // The dev server is always local; anything else in this variable is a mistake or an attack.
  if (
    !url ||
    url.protocol !== 'http:' ||
    !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  ) {
    throw new Error(
      `ELECTRON_RENDERER_URL must be a local http:// URL, got "${raw.slice(0, 100)}"`,
    );
  }
  return url;
}

function safeUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}
