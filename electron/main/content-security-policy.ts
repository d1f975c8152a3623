/**
 * The renderer's Content Security Policy, sent as a response header (file:// and the dev server)
 * on top of the <meta> tag in renderer/index.html; when both are present the browser enforces
 * both, so the stricter wins. The Electron renderer talks to main only through the preload, so
 * unlike headless mode it needs no websocket at all. No electron import.
 */
export interface CspOptions {
  /** The electron-vite dev server (development only): its HMR websocket and React refresh preamble. */
  readonly devServerOrigin?: string | undefined;
  /**
   * Development only: the `'sha256-…'` sources of the page's inline scripts (the React refresh
   * preamble), when known; they admit exactly those scripts instead of `'unsafe-inline'`.
   * Main sends its header without them (it does not see the page); the dev server's <meta>
   * policy carries them (electron/main/dev-csp-plugin.ts), and the browser enforces both.
   */
  readonly inlineScriptHashes?: readonly string[] | undefined;
  /** For a <meta> tag, where browsers ignore (and warn about) `frame-ancestors`. */
  readonly forMeta?: boolean;
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const dev = options.devServerOrigin;
  const devWs = dev ? dev.replace(/^http/, 'ws') : undefined;
  const hashes = options.inlineScriptHashes ?? [];
  const devScripts = hashes.length > 0 ? [...hashes] : ["'unsafe-inline'"];
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    // The React refresh preamble is an inline script, only in development.
    ['script-src', dev ? ["'self'", ...devScripts] : ["'self'"]],
    // React and uPlot set inline styles.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', dev && devWs ? ["'self'", devWs] : ["'self'"]],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['worker-src', ["'self'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives
    .filter(([name]) => !(options.forMeta && name === 'frame-ancestors'))
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** Response headers with our CSP replacing any the server sent (header names are case-free). */
export function withCsp(
  headers: Readonly<Record<string, string[]>> | undefined,
  csp: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}
