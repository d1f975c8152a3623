/**
 * The subcommands of `gate-ops`: name and one-line summary here, the command itself in its own
 * file, loaded only when it runs. `gate-ops --help` therefore loads none of them (no RxDB, no
 * zod, no storage): it starts in about the time of Node itself. Add new commands to this list.
 */
import type { CliCommand } from './io';

export interface CommandEntry {
  readonly name: string;
  /** One line for `gate-ops --help`. */
  readonly summary: string;
  load(): Promise<CliCommand>;
}

export const commands: ReadonlyArray<CommandEntry> = [
  {
    name: 'validate',
    summary: 'check events (JSON Lines or a JSON array) against the check-in contract',
    load: async () => (await import('./validate-command')).validateCommand,
  },
  {
    name: 'headless',
    summary: 'run Gate Ops without a window (relay link, ingest, store)',
    load: async () => (await import('./headless-command')).headlessCommand,
  },
  {
    name: 'relay-sim',
    summary: 'run the relay simulator (a realistic venue, with optional faults)',
    load: async () => (await import('./relay-sim-command')).relaySimCommand,
  },
  {
    name: 'stats',
    summary: 'print what the store holds (works while the app runs)',
    load: async () => (await import('./stats-command')).statsCommand,
  },
  {
    name: 'export',
    summary: 'write an attendance report (CSV, XLSX or PDF) of the stored check-ins',
    load: async () => (await import('./export-command')).exportCommand,
  },
];
