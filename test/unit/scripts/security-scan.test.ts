import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const script = join(root, 'scripts/security-scan.mjs');

interface Report {
  failed: boolean;
  findings: Array<{ id: string; severity: string; where: string }>;
  unexplained: Array<{ id: string; where: string }>;
  problems: string[];
}

function runScan(args: string[]): { status: number | null; report: Report } {
  const r = spawnSync(process.execPath, [script, '--json', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  const last = r.stdout.trim().split('\n').at(-2) ?? '{}';
  return { status: r.status, report: JSON.parse(last) as Report };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateops-scan-'));
  // A deliberately insecure main process: the gate must catch it.
  await writeFile(
    join(dir, 'main.js'),
    `import { app, BrowserWindow } from 'electron';
app.whenReady().then(() => {
  const win = new BrowserWindow({
    webPreferences: { nodeIntegration: true, contextIsolation: false, webSecurity: false },
  });
  win.loadURL('http://example.com/');
});
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run security (electronegativity gate)', () => {
  it('fails on unexplained high-severity findings, passes once each has a reason', async () => {
    const first = runScan(['--input', dir, '--allowlist', join(dir, 'none.json')]);
    expect(first.status).toBe(1);
    expect(first.report.failed).toBe(true);
    const ids = first.report.unexplained.map((f) => f.id);
    expect(ids).toEqual(
      expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']),
    );

    const allowlist = join(dir, 'allow.json');
    const entries = first.report.unexplained.map((f) => ({
      id: f.id,
      file: f.where.replace(/:\d+$|:\?$/, ''),
      reason: 'a test fixture that is insecure on purpose, to prove the gate works',
    }));
    await writeFile(allowlist, JSON.stringify(entries));
    const second = runScan(['--input', dir, '--allowlist', allowlist]);
    expect(second.report.unexplained).toEqual([]);
    expect(second.status).toBe(0);
  }, 300_000);

  it('rejects an allowlist entry without a real reason', async () => {
    const allowlist = join(dir, 'lazy.json');
    await writeFile(allowlist, JSON.stringify([{ id: 'X', file: 'y', reason: 'ok' }]));
    const r = runScan(['--input', join(dir, 'nothing-here'), '--allowlist', allowlist]);
    expect(r.status).toBe(1);
    expect(r.report.problems.join()).toContain('needs a real "reason"');
  }, 300_000);

  it('the app itself passes, with every allowlist entry explained', async () => {
    const r = runScan([]);
    expect(r.report.problems).toEqual([]);
    expect(r.report.unexplained).toEqual([]);
    expect(r.status).toBe(0);
  }, 300_000);
});
