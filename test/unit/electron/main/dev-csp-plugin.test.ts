import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../../electron/main/content-security-policy';
import { inlineScriptHashes, withDevCsp } from '../../../../electron/main/dev-csp-plugin';

const PREAMBLE =
  'import { injectIntoGlobalHook } from "/@react-refresh";\ninjectIntoGlobalHook(window);';
const sha = (text: string): string =>
  `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('development CSP for the dev server', () => {
  it('hashes inline scripts only (not the ones with src)', () => {
    const html = `<head><script type="module">${PREAMBLE}</script><script type="module" src="/@vite/client"></script></head>`;
    expect(inlineScriptHashes(html)).toEqual([sha(PREAMBLE)]);
  });

  it("replaces index.html's strict <meta> (also across lines) with the development policy", () => {
    const html = `<html><head><script type="module">${PREAMBLE}</script>
    <meta
      http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src 'self'"
    />
  </head></html>`;
    const out = withDevCsp(html, 'http://localhost:5173');
    const metas = out.match(/http-equiv="Content-Security-Policy"/g) ?? [];
    expect(metas).toHaveLength(1);
    expect(out).toContain(`script-src 'self' ${sha(PREAMBLE)};`);
    expect(out).toContain("connect-src 'self' ws://localhost:5173;");
    // Ignored in a <meta> tag (browsers warn about it), so left out there.
    expect(out).not.toContain('frame-ancestors');
  });

  it('adds the <meta> policy when the page has none', () => {
    const out = withDevCsp('<html><head><title>x</title></head></html>', 'http://127.0.0.1:5173');
    expect(out).toMatch(
      /^<html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self';/,
    );
  });

  it('the header policy: unsafe-inline in development without hashes, hashes instead when given', () => {
    const dev = contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' });
    expect(dev).toContain("script-src 'self' 'unsafe-inline';");
    expect(dev).toContain("frame-ancestors 'none'");
    const hashed = contentSecurityPolicy({
      devServerOrigin: 'http://localhost:5173',
      inlineScriptHashes: ["'sha256-abc='"],
    });
    expect(hashed).toContain("script-src 'self' 'sha256-abc=';");
    // Hashes mean nothing in production: the policy stays self-only.
    expect(contentSecurityPolicy({ inlineScriptHashes: ["'sha256-abc='"] })).toMatch(
      /script-src 'self';/,
    );
  });
});
