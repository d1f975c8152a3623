/**
 * Development only (`npm run dev`): a Vite plugin for the renderer's dev server that replaces
 * the strict production <meta> CSP of index.html with the development policy, which admits the
 * dev server's HMR websocket and, by hash, exactly the inline scripts Vite and the React plugin
 * put into the page (the React refresh preamble). Without it the page's own <meta> refuses the
 * preamble and hot reload never starts. Main's header policy in development
 * (contentSecurityPolicy with the dev server origin) applies on top; builds are untouched
 * (`apply: 'serve'`). Runs in the Vite config (Node), never in the app.
 */
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './content-security-policy';

const META =
  /<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=("[^"]*"|'[^']*')\s*\/?>/i;
/** Inline scripts: a <script> without src, and its text. */
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(INLINE_SCRIPT)]
    .map((m) => m[1] ?? '')
    .filter((text) => text.length > 0)
    .map((text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
}

/** index.html with the development policy in its <meta> tag (added when there is none). */
export function withDevCsp(html: string, devServerOrigin: string): string {
  const policy = contentSecurityPolicy({
    devServerOrigin,
    inlineScriptHashes: inlineScriptHashes(html),
    forMeta: true,
  });
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
  return META.test(html)
    ? html.replace(META, meta)
    : html.replace(/<head([^>]*)>/i, `<head$1>${meta}`);
}

export function devContentSecurityPolicy(): Plugin {
  return {
    name: 'gate-ops:dev-csp',
    apply: 'serve',
    transformIndexHtml: {
      // After every other plugin has added its tags, so their inline scripts are hashed too.
      order: 'post',
      handler(html, ctx) {
        const server = ctx.server;
        const url =
          server?.resolvedUrls?.local[0] ??
          `http://localhost:${server?.config.server.port ?? 5173}/`;
        return withDevCsp(html, new URL(url).origin);
      },
    },
  };
}
