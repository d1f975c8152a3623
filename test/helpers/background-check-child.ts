/**
 * Starts the background damage check on a named pipe nobody writes to: SQLite's open of it blocks
 * (a check that never answers). Once a thread of this process or of one of its children is
 * blocked there (Linux: its `wchan` is the kernel's wait for a FIFO's other end), by `mode`:
 * - `abort`: stops the check (as the app does when it closes), prints the verdict and returns,
 *   so the process ends only if nothing holds it;
 * - `crash`: prints the id of the process the check runs in and kills itself with SIGKILL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkDatabaseFileInBackground } from '../../electron/db/damage-check';
import { childPids } from './gate-ops-process';

const [file, mode] = process.argv.slice(2);

function blockedOpening(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some(
      (task) => readFileSync(`/proc/${pid}/task/${task}/wchan`, 'utf8') === 'wait_for_partner',
    );
  } catch {
    return false;
  }
}

const stop = new AbortController();
const verdict = checkDatabaseFileInBackground(file!, 'full', stop.signal);
let checker: number | undefined;
while (checker === undefined) {
  await sleep(10);
  checker = [process.pid, ...childPids(process.pid)].find(blockedOpening);
}
console.log(`check-pid ${checker}`);
if (mode === 'crash') process.kill(process.pid, 'SIGKILL');
stop.abort();
console.log(`verdict ${JSON.stringify(await verdict)}`);
