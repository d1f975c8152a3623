import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  displayProblem,
  findElectronBinary,
  firstErrorLine,
  platformProblem,
  rootProblem,
} from '../../../scripts/electron-binary';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A stand-in node_modules/electron folder. */
function electronDir(
  pathTxt: string | null,
  binary: string | null,
): { dir: string; version: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gate-ops-electron-pkg-'));
  dirs.push(dir);
  if (pathTxt !== null) writeFileSync(join(dir, 'path.txt'), pathTxt);
  if (binary !== null) {
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', binary), '');
  }
  return { dir, version: '45.5.0' };
}

describe('findElectronBinary', () => {
  it('reads path.txt as the electron package does', () => {
    const pkg = electronDir('electron', 'electron');
    expect(findElectronBinary(pkg, {})).toEqual({
      found: true,
      path: join(pkg.dir, 'dist', 'electron'),
      via: 'path.txt',
    });
  });

  it('not downloaded yet, or path.txt pointing at nothing, are told apart', () => {
    expect(findElectronBinary(electronDir(null, null), {})).toEqual({
      found: false,
      why: 'Electron 45.5.0 is not downloaded yet',
    });
    const gone = electronDir('Electron.app/Contents/MacOS/Electron', null);
    expect(findElectronBinary(gone, {})).toMatchObject({
      found: false,
      why: expect.stringContaining('the Electron binary is missing'),
    });
  });

  it('honours ELECTRON_EXEC_PATH (as electron-vite) and ELECTRON_OVERRIDE_DIST_PATH (as electron)', () => {
    const pkg = electronDir(null, null);
    const elsewhere = electronDir(null, 'electron');
    const exec = join(elsewhere.dir, 'dist', 'electron');
    expect(findElectronBinary(pkg, { ELECTRON_EXEC_PATH: exec })).toEqual({
      found: true,
      path: exec,
      via: 'ELECTRON_EXEC_PATH',
    });
    expect(findElectronBinary(pkg, { ELECTRON_EXEC_PATH: '/nope/electron' })).toEqual({
      found: false,
      why: 'ELECTRON_EXEC_PATH is /nope/electron, which does not exist',
    });
    expect(
      findElectronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: join(elsewhere.dir, 'dist') }),
    ).toMatchObject({ found: true, path: exec });
  });
});

describe('why the window cannot run', () => {
  it('platforms without Electron builds', () => {
    expect(platformProblem('linux', 'x64')).toBeNull();
    expect(platformProblem('darwin', 'arm64')).toBeNull();
    expect(platformProblem('win32', 'x64')).toBeNull();
    expect(platformProblem('freebsd', 'x64')).toBe('Electron has no build for freebsd-x64');
    expect(platformProblem('linux', 's390x')).toBe('Electron has no build for linux-s390x');
  });

  it('no display on Linux (X11 or Wayland); macOS and Windows always have one', () => {
    expect(displayProblem('linux', {})).toMatch(/^there is no display .*xvfb-run$/);
    expect(displayProblem('linux', { DISPLAY: ':0' })).toBeNull();
    expect(displayProblem('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBeNull();
    expect(displayProblem('darwin', {})).toBeNull();
    expect(displayProblem('win32', {})).toBeNull();
  });

  it('root on Linux, unless NO_SANDBOX=1', () => {
    expect(rootProblem('linux', 0, {})).toMatch(/as root/);
    expect(rootProblem('linux', 0, { NO_SANDBOX: '1' })).toBeNull();
    expect(rootProblem('linux', 1000, {})).toBeNull();
    expect(rootProblem('darwin', 0, {})).toBeNull();
  });

  it("the installer's error is its first line, not its stack", () => {
    expect(
      firstErrorLine(
        'TypeError: fetch failed\n    at node:internal/deps/undici:1\n    at async x\n',
      ),
    ).toBe('TypeError: fetch failed');
    expect(
      firstErrorLine('\nHTTPError: Response code 404 (Not Found) for https://m/v45.zip\n  at y\n'),
    ).toBe('HTTPError: Response code 404 (Not Found) for https://m/v45.zip');
    expect(firstErrorLine('   \n')).toBeNull();
  });
});
