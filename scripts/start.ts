/**
 * `npm start`: makes sure Electron is there, builds, and opens the desktop app; when the desktop
 * window cannot run here, says why in one line and runs the same app in headless mode instead,
 * in the default browser.
 *
 *   1. Electron's binary: looked up as electron-vite and the `electron` package do; when it is
 *      missing, Electron's own installer downloads it (ELECTRON_MIRROR, electron_config_cache and
 *      proxies apply). Never at `npm install` time, so `npm install`/`npm ci` work offline.
 *   2. `npm run build` (main, preload, renderer and the `gate-ops` command into out/).
 *   3. The desktop app (`electron-vite preview --skipBuild`, with ELECTRON_EXEC_PATH set to the
 *      binary found), if the platform has Electron builds, the binary is there, there is a
 *      display, and it is not root without NO_SANDBOX=1.
 *   4. Otherwise one line, `npm start: no desktop window: <why and how to fix it>`, then
 *      `gate-ops headless --port 0`: the relay saved in Settings, or the one GATE_OPS_RELAY_URL
 *      names (it wins; token from GATE_OPS_RELAY_TOKEN or GATE_OPS_RELAY_TOKEN_FILE), the demo
 *      relay when neither is configured, the UI opened in the
 *      default browser (BROWSER=none: not opened; BROWSER=cmd: opened with cmd), the URL printed
 *      in any case. Ctrl-C stops it cleanly: the batch being written is committed.
 *
 * `node scripts/start.ts --skip-build` leaves step 2 out. `--dev` (`npm run dev`) runs
 * `electron-vite dev` (hot reload) instead of steps 2–4; when the window cannot run it says why
 * and stops, since the browser version has no hot reload (`npm run headless` is that one).
 * Exits with the status of what it ran.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  displayProblem,
  electronPackage,
  findElectronBinary,
  installElectron,
  platformProblem,
  rootProblem,
} from './electron-binary.ts';

const ROOT = join(import.meta.dirname, '..');
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const say = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const dev = process.argv.includes('--dev');
  const skipBuild = process.argv.includes('--skip-build');
  const why = await whyNoWindow();
  if (dev) {
    if (why.problem === null) return runDesktop(why.binary, ['dev']);
    say(
      `npm run dev: no desktop window: ${why.problem}. (npm run headless runs the app in the browser, without hot reload.)`,
    );
    return 1;
  }
  if (!skipBuild) {
    const status = build();
    if (status !== 0) return status;
  }
  if (why.problem === null) return runDesktop(why.binary, ['preview', '--skipBuild']);
  say(`npm start: no desktop window: ${why.problem}. Opening Gate Ops in the browser instead.`);
  return runHeadless();
}

/** Why the desktop window cannot run here (null: it can), and the binary when there is one. */
async function whyNoWindow(): Promise<{ problem: string | null; binary: string }> {
  const platform = platformProblem();
  if (platform) return { problem: platform, binary: '' };
  const pkg = electronPackage(ROOT);
  let lookup = findElectronBinary(pkg);
  if (!lookup.found && !process.env['ELECTRON_EXEC_PATH']) {
    const mirror = process.env['ELECTRON_MIRROR'];
    say(
      `npm start: ${lookup.why}; downloading it with Electron's installer (about 100 MB, once${mirror ? `, from ELECTRON_MIRROR ${mirror}` : ''})…`,
    );
    const outcome = await installElectron(pkg, { say });
    if (!outcome.ok) {
      return {
        problem:
          `Electron ${pkg.version} could not be downloaded (${outcome.error}); check the network, ` +
          'or set ELECTRON_MIRROR to a mirror you can reach (behind a proxy: HTTPS_PROXY and ' +
          'ELECTRON_GET_USE_PROXY=true), then run npm start again',
        binary: '',
      };
    }
    lookup = findElectronBinary(pkg);
  }
  if (!lookup.found) return { problem: lookup.why, binary: '' };
  const problem = displayProblem() ?? rootProblem();
  return { problem, binary: lookup.path };
}

function build(): number {
  const npm = process.env['npm_execpath'];
  const r = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], {
        cwd: ROOT,
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
  if (r.status !== 0) say('npm start: the build failed (above); nothing was started.');
  return r.status ?? 1;
}

function runDesktop(binary: string, command: string[]): Promise<number> {
  const electronVite = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const child = spawn(process.execPath, [electronVite, ...command], {
    cwd: ROOT,
    // electron-vite reads path.txt itself; pass what was found so both agree.
    env: { ...process.env, ELECTRON_EXEC_PATH: binary },
    stdio: 'inherit',
  });
  return supervise(child, (code) => {
    if (code !== 0) {
      say(
        `npm start: the desktop app exited with status ${code}; \`npm run headless\` runs it in the browser instead.`,
      );
    }
  });
}

function runHeadless(): Promise<number> {
  const args = [join(ROOT, 'bin', 'gate-ops.mjs'), 'headless', '--port', '0'];
  const relay = process.env['GATE_OPS_RELAY_URL'];
  if (relay) args.push('--relay', relay);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The command's stdout is JSON lines for scripts; a person needs the URL, which it also
  // prints on stderr ("Gate Ops dashboard: open …").
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    let message: { url?: unknown };
    try {
      message = JSON.parse(line) as { url?: unknown };
    } catch {
      return;
    }
    if (typeof message.url === 'string') {
      say(`npm start: Gate Ops is at ${message.url} (opening it in the browser); Ctrl-C stops it.`);
      openBrowser(message.url);
    }
  });
  return supervise(child);
}

/** Opens the URL in the default browser; a failure is quiet (the URL is printed anyway). */
function openBrowser(url: string): void {
  const chosen = process.env['BROWSER'];
  if (chosen === 'none') return;
  const [command, args] = chosen
    ? [chosen, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const opener = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true });
    opener.on('error', () => undefined);
    opener.unref();
  } catch {
    // No opener here: the printed URL is the way in.
  }
}

/** Passes stop signals on to the child and resolves with its status (128+n for a signal). */
function supervise(child: ChildProcess, onExit?: (code: number) => void): Promise<number> {
  const forward = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of SIGNALS) process.on(signal, forward);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      say(`npm start: could not start ${child.spawnfile}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      for (const s of SIGNALS) process.off(s, forward);
      const status = code ?? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15);
      onExit?.(status);
      resolve(status);
    });
  });
}

process.exitCode = await main();
