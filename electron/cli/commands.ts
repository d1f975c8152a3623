/** The subcommands of `gate-ops`. Each lives in its own file; add new ones to this list. */
import type { CliCommand } from './io';
import { exportCommand } from './export-command';
import { headlessCommand } from './headless-command';
import { relaySimCommand } from './relay-sim-command';
import { statsCommand } from './stats-command';
import { validateCommand } from './validate-command';

export const commands: ReadonlyArray<CliCommand> = [
  validateCommand,
  headlessCommand,
  relaySimCommand,
  statsCommand,
  exportCommand,
];
