/**
 * Where the Electron binary is and whether the desktop window can run here: used by
 * `npm start` (scripts/start.ts) and `npm run smoke:electron` (scripts/smoke-electron.ts).
 *
 * Electron 42 and later download their binary lazily, on first use, with the installer of the
 * `electron` package (`install.js`, the `install-electron` bin), which honours ELECTRON_MIRROR,
 * electron_config_cache and the proxy variables. electron-vite does not: it reads
 * `node_modules/electron/path.txt` and fails with "Electron uninstall" when it is missing.
 * So the binary is looked up here the way the `electron` package itself does (ELECTRON_EXEC_PATH,
 * else ELECTRON_OVERRIDE_DIST_PATH or `dist/`, joined with what path.txt says), and installed
 * with Electron's own installer when it is missing. Plain Node 24 (type stripping), no imports
 * from the app.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ElectronPackage {
  readonly dir: string;
  readonly version: string;
}

export function electronPackage(root: string): ElectronPackage {
  const dir = join(root, 'node_modules', 'electron');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  return { dir, version: pkg.version };
}

export type BinaryLookup =
  | { readonly found: true; readonly path: string; readonly via: 'ELECTRON_EXEC_PATH' | 'path.txt' }
  | { readonly found: false; readonly why: string };

/** The Electron executable, as electron-vite and the `electron` package would find it. */
export function findElectronBinary(
  pkg: ElectronPackage,
  env: NodeJS.ProcessEnv = process.env,
): BinaryLookup {
  const exec = env['ELECTRON_EXEC_PATH'];
  if (exec) {
    return existsSync(exec)
      ? { found: true, path: exec, via: 'ELECTRON_EXEC_PATH' }
      : { found: false, why: `ELECTRON_EXEC_PATH is ${exec}, which does not exist` };
  }
  const pathFile = join(pkg.dir, 'path.txt');
  const recorded = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (!recorded && !override) {
    return { found: false, why: `Electron ${pkg.version} is not downloaded yet` };
  }
  const path = join(override || join(pkg.dir, 'dist'), recorded || 'electron');
  return existsSync(path)
    ? { found: true, path, via: 'path.txt' }
    : { found: false, why: `the Electron binary is missing (${path})` };
}

/** Platforms and architectures Electron publishes binaries for. */
const BUILDS: Readonly<Record<string, readonly string[]>> = {
  linux: ['x64', 'arm64', 'arm'],
  darwin: ['x64', 'arm64'],
  win32: ['x64', 'ia32', 'arm64'],
};

export function platformProblem(
  platform: string = process.platform,
  arch: string = process.arch,
): string | null {
  return BUILDS[platform]?.includes(arch) ? null : `Electron has no build for ${platform}-${arch}`;
}

/** Why a window cannot open here, or null. macOS and Windows always have a display. */
export function displayProblem(
  platform: string = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  if (platform === 'darwin' || platform === 'win32') return null;
  if (env['DISPLAY'] || env['WAYLAND_DISPLAY']) return null;
  return 'there is no display (DISPLAY and WAYLAND_DISPLAY are not set); run it in a desktop session, or under xvfb-run';
}

/** Chromium refuses to run as root with its sandbox on (crbug.com/638180). */
export function rootProblem(
  platform: string = process.platform,
  uid: number = process.getuid?.() ?? -1,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  if (platform !== 'linux' || uid !== 0 || env['NO_SANDBOX'] === '1') return null;
  return "Electron does not run as root with Chromium's sandbox; run it as a normal user (or set NO_SANDBOX=1 to turn the OS sandbox off)";
}

export interface InstallOutcome {
  readonly ok: boolean;
  /** The installer's error in one line (the first line of its error, not the stack). */
  readonly error?: string;
}

/**
 * Runs Electron's own installer (node_modules/electron/install.js) with the user's environment.
 * Its error output is held back (a stack trace is not a message for a user) except for the
 * error's first line; on a terminal a line every 10 s shows that the download is going on.
 */
export function installElectron(
  pkg: ElectronPackage,
  options: { readonly env?: NodeJS.ProcessEnv; readonly say?: (line: string) => void } = {},
): Promise<InstallOutcome> {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(pkg.dir, 'install.js')], {
      cwd: pkg.dir,
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = Date.now();
    const ticker = process.stderr.isTTY
      ? setInterval(
          () =>
            say(`  still downloading Electron (${Math.round((Date.now() - started) / 1000)} s)…`),
          10_000,
        )
      : null;
    const done = (outcome: InstallOutcome): void => {
      if (ticker) clearInterval(ticker);
      resolve(outcome);
    };
    child.on('error', (error) => done({ ok: false, error: error.message }));
    child.on('exit', (code, signal) => {
      if (code === 0) return done({ ok: true });
      done({
        ok: false,
        error: firstErrorLine(stderr) ?? `the installer exited with ${code ?? signal}`,
      });
    });
  });
}

/** The message line of a Node error dump: the first line that is not a stack frame. */
export function firstErrorLine(text: string): string | null {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find(
      (l) => l.length > 0 && !l.startsWith('at ') && !/^\^+$/.test(l) && !l.startsWith('node:'),
    );
  return line ? line.slice(0, 300) : null;
}
