/**
 * `gate-ops` command line: dispatches to a subcommand. Exit codes: 0 ok, 1 the command ran and
 * found a problem (e.g. rejected events), 2 usage error or unreadable input.
 */
import { commands } from './commands';
import { APP_VERSION } from '../app';
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

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`gate-ops ${APP_VERSION}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`gate-ops: unknown command "${name}". Run gate-ops --help for the list.\n`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  if (command.stoppable) io.catchStopSignals?.();
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
