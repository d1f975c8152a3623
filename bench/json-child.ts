/**
 * A benchmark's helper process that speaks JSON lines: started with `node --import tsx SCRIPT
 * ARGS`, its stdout read line by line (lines that are not JSON are its log), asked with a line
 * on its stdin. `VENUE_BENCH_CHILD_PROF=DIR` profiles it (`--cpu-prof` into DIR).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface JsonChild {
  readonly child: ChildProcess;
  /** The next JSON line it prints. */
  next<T>(): Promise<T>;
  /** Sends a line and returns the next JSON line it prints. */
  ask<T>(line: string): Promise<T>;
  /** Closes its stdin (it ends) and waits until it has. */
  end(): Promise<void>;
}

export function jsonChild(
  script: string,
  args: readonly string[],
  nodeFlags: string[] = [],
): JsonChild {
  const prof = process.env.VENUE_BENCH_CHILD_PROF;
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
      '--import',
      'tsx',
      script,
      ...args,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    for (;;) {
      const r = await lines.next();
      if (r.done) throw new Error(`${script} ended`);
      try {
        return JSON.parse(r.value) as T;
      } catch {
        // a log line, not an answer
      }
    }
  };
  return {
    child,
    next,
    ask<T>(line: string) {
      child.stdin!.write(`${line}\n`);
      return next<T>();
    },
    async end() {
      if (child.exitCode === null && child.signalCode === null) child.stdin!.end();
      await exited;
    },
  };
}
