/**
 * `gate-ops` command line: dispatches to a subcommand. Exit codes: 0 ok, 1 the command ran and
 * found a problem (e.g. rejected events), 2 usage error or unreadable input.
 */
import { parseArgs } from 'node:util';
import { commands } from './commands';
import { EXIT_USAGE, UsageError, type CliIo } from './io';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'gate-ops: live and offline check-in operations for venue door supervisors',
    '',
    'Usage: gate-ops <command> [options]     gate-ops <command> --help',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export function defaultIo(): CliIo {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    stopSignal: controller.signal,
  };
}

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('gate-ops 0.1.0\n');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`gate-ops: unknown command "${name}". Run gate-ops --help for the list.\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(
        `gate-ops ${name}: ${(error as Error).message}\nRun gate-ops ${name} --help for usage.\n`,
      );
      return EXIT_USAGE;
    }
    io.stderr.write(
      `gate-ops ${name}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export { parseArgs };
