/** What a command touches of the outside world, passed in so tests can run commands in-process. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running commands await it. */
  readonly stopSignal: AbortSignal;
}

export interface CliCommand {
  readonly name: string;
  /** One line for `gate-ops --help`. */
  readonly summary: string;
  /** Full usage text for `gate-ops COMMAND --help`. */
  readonly usage: string;
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
