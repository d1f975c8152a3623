/**
 * The CliIo of a real `gate-ops` process: its standard streams and environment, and the stop
 * signals. A command that honours `stopSignal` (headless, relay-sim, export) asks for the
 * signals first; from then on the first SIGINT, SIGTERM or SIGHUP starts its clean stop, and
 * later ones are not allowed to cut that stop short: a Ctrl-C in a terminal reaches this
 * process twice when bin/gate-ops.mjs (or npm) forwards it as well. Other commands keep the
 * default: a signal ends them at once (they only read).
 */
import type { CliIo } from './io';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Copies of one keypress (the terminal's, npm's, the wrapper's) arrive within this. */
const SAME_KEYPRESS_MS = 500;

export function processIo(proc: NodeJS.Process = process, now: () => number = Date.now): CliIo {
  const controller = new AbortController();
  let caught = false;
  let told = false;
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      firstAt = now();
      controller.abort(signal);
      return;
    }
    // Ignored either way; only a person asking again is told how to force it.
    if (told || now() - firstAt < SAME_KEYPRESS_MS) return;
    told = true;
    proc.stderr.write(
      `gate-ops: ${signal} again; still stopping (finishing the batch being written). ` +
        `To end it without waiting: kill -KILL ${proc.pid}\n`,
    );
  };
  // A reader that goes away (`gate-ops headless --progress | head`, a closed terminal) makes
  // the next write fail with EPIPE; unhandled, that error would end a process that is storing
  // check-ins. What it would have printed is dropped; the work goes on. Other write errors are
  // said once on stderr, if stderr still works.
  let reported = false;
  const onWriteError = (name: string) => (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || reported) return;
    reported = true;
    try {
      proc.stderr.write(`gate-ops: cannot write to ${name} (${error.message}); continuing\n`);
    } catch {
      // stderr is gone as well: nothing left to tell.
    }
  };
  proc.stdout.on('error', onWriteError('standard output'));
  proc.stderr.on('error', onWriteError('standard error'));
  return {
    stdout: proc.stdout,
    stderr: proc.stderr,
    stdin: proc.stdin,
    env: proc.env,
    cwd: proc.cwd(),
    stopSignal: controller.signal,
    catchStopSignals() {
      if (caught) return;
      caught = true;
      for (const signal of STOP_SIGNALS) proc.on(signal, onSignal);
    },
  };
}
