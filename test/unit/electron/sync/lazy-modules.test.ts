/**
 * The certificate library, the NATS client and the QR code library are loaded when first needed,
 * not at every start. A failed load must say which module it was, and never hang: the failures
 * below are made with a module mock whose factory throws.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NatsSyncView } from '../../../../shared/api/channels/sync';
import type { GateOpsDatabase } from '../../../../electron/db';
import type { VenueSync as VenueSyncType } from '../../../../electron/sync';

afterEach(() => {
  vi.doUnmock('@peculiar/x509');
  vi.doUnmock('qrcode');
  vi.doUnmock('../../../../electron/sync/nats/nats-sync');
  vi.resetModules();
});

describe('modules loaded when first needed', () => {
  it('a certificate is made with @peculiar/x509 loaded on demand', async () => {
    const { createTlsIdentity, certificateFingerprint } =
      await import('../../../../electron/sync/pairing/certificate');
    const tls = await createTlsIdentity('lazy test');
    expect(tls.certPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(certificateFingerprint(tls.certPem)).toBe(tls.fingerprint);
  });

  it('a certificate library that fails to load is named in the error, and tried again', async () => {
    vi.doMock('@peculiar/x509', () => {
      throw new Error('x509 unavailable');
    });
    const { createTlsIdentity } = await import('../../../../electron/sync/pairing/certificate');
    const failed = await createTlsIdentity('lazy test').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(
      /^could not load the certificate library \(@peculiar\/x509\): /,
    );
    vi.doUnmock('@peculiar/x509');
    expect((await createTlsIdentity('lazy test')).fingerprint).toMatch(/^[\w-]{43}$/);
  });

  it('a NATS client that fails to load is why NATS sync did not start', async () => {
    vi.doMock('../../../../electron/sync/nats/nats-sync', () => {
      throw new Error('nats unavailable');
    });
    const { NatsSyncRunner } = await import('../../../../electron/sync/nats/nats-sync-runner');
    const views: Array<NatsSyncView | null> = [];
    const lines: string[] = [];
    const input = { url: 'nats://127.0.0.1:1', venue: 'north' };
    const options = {
      db: {} as GateOpsDatabase,
      simulated: false,
      laptop: () => ({ id: 'l1', name: 'laptop 1' }),
      report: (v: NatsSyncView | null) => views.push(v),
      log: (line: string) => lines.push(line),
    };
    // The command line's configuration on the first start: the start fails with the reason.
    const commandLine = {
      ...options,
      source: () => Promise.resolve({ kind: 'command-line' as const, input, env: {} }),
    };
    await expect(NatsSyncRunner.start(commandLine, true)).rejects.toThrow(
      /^could not load the NATS client: /,
    );
    // Otherwise it is reported as not started, with the same reason, and the app goes on.
    const runner = await NatsSyncRunner.start(commandLine, false);
    expect(runner.sync).toBeNull();
    expect(lines).toEqual([
      expect.stringMatching(/^NATS sync: NOT STARTED: could not load the NATS client: /),
    ]);
    expect(views.at(-1)?.link.state).toBe('misconfigured');
    expect(JSON.stringify(views.at(-1))).toContain('could not load the NATS client');
    await runner.close();
  });

  it('a QR code library that fails to load is named when a join code is drawn', async () => {
    vi.doMock('qrcode', () => {
      throw new Error('qrcode unavailable');
    });
    const { VenueSync } = await import('../../../../electron/sync/venue-sync');
    // Only the join code's text is needed to draw it.
    const sync = Object.create(VenueSync.prototype) as VenueSyncType;
    sync.joinCodeText = () => 'GATEOPS-JOIN-TEST';
    await expect(sync.joinCodeQr()).rejects.toThrow(
      /^could not load the QR code library \(qrcode\): /,
    );
    await expect(sync.joinCodeTerminal()).rejects.toThrow(/could not load the QR code library/);
    vi.doUnmock('qrcode');
    expect((await sync.joinCodeQr())?.text).toBe('GATEOPS-JOIN-TEST');
    expect(await sync.joinCodeTerminal()).toContain('█');
  });
});

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const LAZY =
  /node_modules\/(@peculiar\/|@nats-io\/|qrcode\/|pngjs\/|tsyringe\/|pdfkit\/|exceljs\/)/;
const built =
  existsSync(join(ROOT, 'out/cli/gate-ops.js')) && existsSync(join(ROOT, 'out/main/index.js'));

describe.skipIf(!built)('the built app loads them on demand', () => {
  it('`gate-ops headless` loads without them, and the chunks that need them still resolve them', () => {
    // Every module a load of the headless command resolves, as a Node resolve hook sees it;
    // then the built chunks that import a NATS package (loaded when NATS sync starts).
    const chunks = join(ROOT, 'out/cli/chunks');
    const natsChunks = readdirSync(chunks)
      .filter((f) => f.endsWith('.js'))
      .filter((f) => /from\s*["']@nats-io\//.test(readFileSync(join(chunks, f), 'utf8')))
      .map((f) => join(chunks, f));
    expect(natsChunks.length).toBeGreaterThan(0);
    const script = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.push(r.url); return r; } });
      const { run } = await import(${JSON.stringify(join(ROOT, 'out/cli/gate-ops.js'))});
      if ((await run(['headless', '--help'])) !== 0) throw new Error('gate-ops headless --help failed');
      const before = seen.length;
      // An ES import of node:http's facade would load undici (its lazy WebSocket getters).
      const undici = process.moduleLoadList.some((m) => m.includes('undici'));
      for (const file of ${JSON.stringify(natsChunks)}) await import(file);
      await import('@peculiar/x509');
      await import('qrcode');
      process.stderr.write(JSON.stringify({ start: seen.slice(0, before), later: seen.slice(before), undici }));
    `;
    const child = spawnSync(
      process.execPath,
      ['--input-type=module', '--import', 'reflect-metadata', '-e', script],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(child.status, child.stderr).toBe(0);
    const { start, later, undici } = JSON.parse(child.stderr) as {
      start: string[];
      later: string[];
      undici: boolean;
    };
    expect(undici).toBe(false);
    // The command's chunk and the packages it needs (rxdb is bundled into a chunk of ours).
    expect(start.some((url) => /\/out\/cli\/chunks\/headless-command-[\w-]+\.js$/.test(url))).toBe(
      true,
    );
    expect(start.some((url) => url.includes('/node_modules/ws/'))).toBe(true);
    expect(start.filter((url) => LAZY.test(url))).toEqual([]);
    expect(later.some((url) => url.includes('/node_modules/@nats-io/'))).toBe(true);
  });

  it('the main bundle imports them only dynamically', () => {
    const code = readFileSync(join(ROOT, 'out/main/index.js'), 'utf8');
    const staticImports = [
      ...code.matchAll(
        /^\s*import\s[^'"]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm,
      ),
    ].map((m) => m[1] ?? m[2] ?? '');
    for (const name of [
      '@peculiar/x509',
      'reflect-metadata',
      'qrcode',
      'pdfkit',
      '@nats-io/jetstream',
      '@nats-io/transport-node',
    ]) {
      expect(staticImports.filter((s) => s === name || s.startsWith(`${name}/`))).toEqual([]);
    }
    expect(code).toMatch(/import\("@peculiar\/x509"\)/);
    expect(code).toMatch(/import\("qrcode"\)/);
    expect(code).toMatch(/import\("\.\/chunks\/nats-sync-[\w-]+\.js"\)/);
  });
});
