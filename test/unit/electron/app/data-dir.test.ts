/** The per-OS default data folder (headless, stats) and its environment override. */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { defaultDataDir } from '../../../../electron/app/data-dir';

it('follows GATE_OPS_DATA_DIR, then each platform’s convention', () => {
  expect(defaultDataDir({ GATE_OPS_DATA_DIR: '/srv/gate' }, 'linux', '/home/a')).toBe('/srv/gate');
  expect(defaultDataDir({}, 'linux', '/home/a')).toBe(
    join('/home/a', '.local', 'share', 'gate-ops'),
  );
  expect(defaultDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/a')).toBe(
    join('/xdg', 'gate-ops'),
  );
  expect(defaultDataDir({}, 'darwin', '/Users/a')).toBe(
    join('/Users/a', 'Library', 'Application Support', 'Gate Ops'),
  );
  expect(
    defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a'),
  ).toBe(join('C:\\Users\\a\\AppData\\Roaming', 'Gate Ops'));
});
