/**
 * `npm run smoke:electron` never reports a pass it did not earn: with no binary it is skipped
 * (exit 77, the reason in its outcome file), and with something that is not Electron where the
 * binary should be, it fails. (The passing run needs a real Electron: see the note of issue 10.)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/relay';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const OUTCOME = join(ROOT, 'test-results', 'smoke-electron.json');

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function smoke(env: NodeJS.ProcessEnv): { status: number | null; stderr: string; outcome: any } {
  rmSync(OUTCOME, { force: true });
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'smoke-electron.ts')], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stderr: r.stderr, outcome: JSON.parse(readFileSync(OUTCOME, 'utf8')) };
}

describe('smoke:electron', () => {
  it('without an Electron binary: skipped, with the reason, exit 77', () => {
    const { dir, cleanup } = tempDir('gate-ops-smoke-test-');
    cleanups.push(cleanup);
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dir };
    delete env['ELECTRON_EXEC_PATH'];
    const r = smoke(env);
    expect(r.status).toBe(77);
    expect(r.outcome).toEqual({
      status: 'skipped',
      reason: expect.stringMatching(/^no Electron binary \(the Electron binary is missing/),
    });
    expect(r.stderr).toMatch(/^smoke:electron skipped: /m);
  });

  it(
    'with something that is not Electron as the binary: failed, not passed',
    { timeout: 150_000 },
    () => {
      const { dir, cleanup } = tempDir('gate-ops-smoke-test-');
      cleanups.push(cleanup);
      const fake = join(dir, 'electron');
      writeFileSync(fake, '#!/bin/sh\necho "not electron" >&2\nexit 1\n');
      chmodSync(fake, 0o755);
      const r = smoke({ ...process.env, ELECTRON_EXEC_PATH: fake });
      expect(r.status).toBe(1);
      expect(r.outcome.status).toBe('failed');
    },
  );
});
