/**
 * `gate-ops` as a real process: bin/gate-ops.mjs (the built program in out/cli, which the test
 * setup keeps fresh), with its output read line by line and a wait for a line that matches.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const GATE_OPS_BIN = join(import.meta.dirname, '..', '..', 'bin', 'gate-ops.mjs');

export interface GateOpsProcess {
  readonly child: ChildProcess;
  /** Every line so far, stdout and stderr together, in arrival order. */
  readonly lines: string[];
  /** Resolves with the first line (already seen or to come) that matches. */
  waitForLine(match: RegExp): Promise<string>;
  /** Resolves with the exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startGateOps(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; node?: string; detached?: boolean } = {},
): GateOpsProcess {
  const spawnOptions: SpawnOptions = {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  };
  const child = spawn(options.node ?? process.execPath, [GATE_OPS_BIN, ...args], spawnOptions);
  const lines: string[] = [];
  const waiters = new Set<{ match: RegExp; resolve: (line: string) => void }>();
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const w of waiters) {
        if (w.match.test(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    exited,
    waitForLine(match) {
      const seen = lines.find((l) => match.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.add({ match, resolve });
        void exited.then(({ code, signal }) =>
          reject(
            new Error(
              `gate-ops exited (${code ?? signal}) before printing ${match}:\n${lines.join('\n')}`,
            ),
          ),
        );
      });
    },
  };
}

/** The process ids whose parent is `pid` (Linux and macOS `ps`). */
export function childPids(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([child, parent]) => parent === pid && Number.isInteger(child))
    .map(([child]) => child as number);
}

/** Whether a process with this id exists (a zombie counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
    return !state.trim().startsWith('Z');
  } catch {
    return false;
  }
}
