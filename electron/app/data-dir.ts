/** Where Gate Ops keeps its one SQLite file when no folder is given. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env['GATE_OPS_DATA_DIR']) return env['GATE_OPS_DATA_DIR'];
  if (platform === 'win32')
    return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Gate Ops');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Gate Ops');
  return join(env['XDG_DATA_HOME'] || join(home, '.local', 'share'), 'gate-ops');
}
