/** What a command touches of the outside world, passed in so tests can run commands in-process. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborted when the process is asked to stop (SIGINT/SIGTERM/SIGHUP); long-running commands await it. */
  readonly stopSignal: AbortSignal;
  /**
   * Called before a command that honours `stopSignal` runs: from then on SIGINT, SIGTERM and
   * SIGHUP abort `stopSignal` instead of ending the process. (The process entry sets it; tests
   * abort the signal themselves.)
   */
  readonly catchStopSignals?: () => void;
}

/** One subcommand (its name and summary are in commands.ts, so --help need not load it). */
export interface CliCommand {
  /** Full usage text for `gate-ops COMMAND --help`. */
  readonly usage: string;
  /** It watches io.stopSignal and, when asked to stop, finishes what it is writing. */
  readonly stoppable?: boolean;
  /** Resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A usage error: exit code 2 with the message and a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
