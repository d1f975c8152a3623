/**
 * `npm run dev` with hot reload: the renderer's Vite dev server, configured as in
 * electron.vite.config.ts, in Chromium with the CSP header main sends in development
 * (hardenSession → withCsp). The development policy must admit the dev server's HMR websocket
 * and the React refresh preamble (an inline script) with no violation; the production policy,
 * on the same page, must refuse them. The built index.html keeps the strict policy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../electron.vite.config';
import { contentSecurityPolicy } from '../../electron/main/content-security-policy';
import { CHROMIUM_ARGS, ROOT } from '../helpers/e2e';
import { unusedPort } from '../helpers/ports';

let server: ViteDevServer;
let origin: string;
let browser: Browser;
/** The policy main would send as a header (hardenSession); each test sets it. */
let headerPolicy = '';

/** What main's onHeadersReceived does in Electron: our policy on every dev-server response. */
const headerLikeMain: Plugin = {
  name: 'test:csp-header',
  configureServer(dev) {
    dev.middlewares.use((_req, res, next) => {
      res.setHeader('Content-Security-Policy', headerPolicy);
      next();
    });
  },
};

beforeAll(async () => {
  const renderer = (config as { renderer: { plugins?: unknown[] } }).renderer;
  server = await createServer({
    ...renderer,
    plugins: [...(renderer.plugins ?? []), headerLikeMain] as Plugin[],
    configFile: false,
    root: join(ROOT, 'renderer'),
    logLevel: 'silent',
    // A real port: the dev server tells its HMR client the port, and 0 would not do.
    server: { host: '127.0.0.1', port: await unusedPort(), strictPort: true },
  });
  await server.listen();
  origin = new URL(server.resolvedUrls?.local[0] ?? '').origin;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Loaded {
  readonly page: Page;
  readonly console: string[];
}

/** The dev page with `csp` as the response header on every request, as main sets it. */
async function load(csp: string): Promise<Loaded> {
  const page = await browser.newPage();
  const messages: string[] = [];
  page.on('console', (m) => messages.push(m.text()));
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: unknown[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__violations.push({
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        source: e.sourceFile + ':' + e.lineNumber,
      }),
    );
  });
  headerPolicy = csp;
  await page.goto(`${origin}/`);
  return { page, console: messages };
}

async function violations(page: Page): Promise<Array<{ directive: string; blocked: string }>> {
  return page.evaluate(
    () =>
      (window as unknown as { __violations: Array<{ directive: string; blocked: string }> })
        .__violations,
  );
}

describe('development CSP (npm run dev)', () => {
  it(
    'admits the HMR websocket and the React refresh preamble, with no violation',
    { timeout: 60_000 },
    async () => {
      const { page, console: messages } = await load(
        contentSecurityPolicy({ devServerOrigin: origin }),
      );
      // The preamble ran: React refresh's globals are in place.
      await page.waitForFunction(
        () => typeof (window as unknown as Record<string, unknown>)['$RefreshSig$'] === 'function',
      );
      // The app rendered under the dev server (in a plain browser it asks for headless mode's token).
      await page.locator('#root > *').first().waitFor();
      await expect.poll(() => messages.some((m) => m.includes('[vite] connected'))).toBe(true);
      expect(await violations(page)).toEqual([]);
      // The page's own <meta> policy is the development one, with the preamble's hash, not unsafe-inline.
      const meta = await page
        .locator('meta[http-equiv="Content-Security-Policy"]')
        .getAttribute('content');
      expect(meta).toContain(`connect-src 'self' ${origin.replace('http', 'ws')}`);
      expect(meta).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
      const scriptSrc = meta?.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
      expect(scriptSrc).not.toContain('unsafe-inline');
      await page.close();
    },
  );

  it('the production policy refuses what development needs', { timeout: 60_000 }, async () => {
    const { page } = await load(contentSecurityPolicy());
    await expect
      .poll(async () => (await violations(page)).map((v) => v.directive))
      .toContain('script-src-elem');
    expect(
      await page.evaluate(
        () => typeof (window as unknown as Record<string, unknown>)['$RefreshSig$'],
      ),
    ).toBe('undefined');
    await page.close();
  });

  it('the built index.html keeps the strict policy', () => {
    const html = readFileSync(join(ROOT, 'out', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1] ?? '';
    expect(meta).toContain("script-src 'self';");
    expect(meta).not.toMatch(/unsafe-inline'?;?\s*[^;]*script|sha256/);
    expect(
      meta
        .split(';')
        .find((d) => d.trim().startsWith('script-src'))
        ?.trim(),
    ).toBe("script-src 'self'");
  });
});
