/**
 * The process entry of the `gate-ops` command: built into out/cli/gate-ops.js, which
 * bin/gate-ops.mjs loads (in development, when the build is missing or older than the sources,
 * the wrapper loads this file through tsx instead).
 */
import { main } from './main';
import { processIo } from './process-io';

export function run(argv: string[]): Promise<number> {
  return main(argv, processIo());
}
