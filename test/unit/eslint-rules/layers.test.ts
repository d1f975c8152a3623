/** gate-ops/layers, tested as Signal tests its own lint rules: valid and invalid samples. */
import { join } from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import layers from '../../../eslint-rules/layers.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ROOT = join(import.meta.dirname, '..', '..', '..');
const at = (file: string): string => join(ROOT, file);
const floors = { storage: 0, db: 1, ingest: 2, activity: 2, alerts: 2, api: 3, app: 4, main: 5 };
const options = [{ floors, names: { '2': 'features', '5': 'hosts' } }] as const;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run('gate-ops/layers', layers, {
  valid: [
    // Down the floors, through the index.
    {
      filename: at('electron/activity/activity-service.ts'),
      code: "import { queryRaw } from '../db';",
      options,
    },
    {
      filename: at('electron/app/start-app.ts'),
      code: "import { ApiRouter } from '../api';",
      options,
    },
    {
      filename: at('electron/main/index.ts'),
      code: "import { startApp } from '../app/index';",
      options,
    },
    // A feature may use another feature through its index (same floor).
    {
      filename: at('electron/alerts/alert-service.ts'),
      code: "import type { ActivityService } from '../activity';",
      options,
    },
    // Inside one folder anything goes; shared/ and packages are not floors of electron/.
    {
      filename: at('electron/db/store-stats.ts'),
      code: "import { readIngestTotals } from './ingest-totals';",
      options,
    },
    {
      filename: at('electron/db/collections/checkins.ts'),
      code: "import { x } from '../database';",
      options,
    },
    {
      filename: at('electron/db/open-store.ts'),
      code: "import { z } from '../../shared/contract/schemas';",
      options,
    },
    {
      filename: at('electron/ingest/batch-commit.ts'),
      code: "import { RxDatabase } from 'rxdb';",
      options,
    },
    // The index itself hands its files' names on; a file imports a sibling file by its path.
    {
      filename: at('electron/db/index.ts'),
      code: "export * from './ingest-totals';",
      options,
    },
    {
      filename: at('electron/db/ingest-totals.ts'),
      code: "import type { GateOpsDatabase } from './database';",
      options,
    },
    // A subfolder's own index.ts is not the folder's index.
    {
      filename: at('electron/db/collections/checkins.ts'),
      code: "import { x } from './index';",
      options,
    },
    // Files outside electron/ are not this rule's business.
    {
      filename: at('test/unit/electron/db/x.test.ts'),
      code: "import { put } from '../../../../electron/db/storage-writes';",
      options,
    },
  ],
  invalid: [
    {
      name: 'a feature importing the composition root runs back up',
      filename: at('electron/activity/dashboard.ts'),
      code: "import { startApp } from '../app';",
      options,
      errors: [
        {
          messageId: 'up',
          data: { from: 'activity', to: 'app', fromFloor: 'features', toFloor: 'floor 4' },
        },
      ],
    },
    {
      name: 'db importing a feature runs back up',
      filename: at('electron/db/open-store.ts'),
      code: "import type { StoreTransaction } from '../ingest';",
      options,
      errors: [{ messageId: 'up' }],
    },
    {
      name: "a feature importing another feature's internals",
      filename: at('electron/alerts/alert-service.ts'),
      code: "import { ActivityService } from '../activity/activity-service';",
      options,
      errors: [
        {
          messageId: 'internals',
          data: { to: 'activity', inner: 'activity-service', index: '../activity' },
        },
      ],
    },
    {
      name: "reaching into db's internals from a feature",
      filename: at('electron/ingest/batch-commit.ts'),
      code: "export { put } from '../db/storage-writes';",
      options,
      errors: [{ messageId: 'internals' }],
    },
    {
      name: 'both at once, in a dynamic import',
      filename: at('electron/storage/sqlite-rx-storage.ts'),
      code: "const m = await import('../db/collections/checkins');",
      options,
      errors: [{ messageId: 'up' }, { messageId: 'internals' }],
    },
    {
      name: "a file importing its own folder's index is a circle",
      filename: at('electron/db/ingest-totals.ts'),
      code: "import type { GateOpsDatabase } from '.';",
      options,
      errors: [{ messageId: 'ownIndex', data: { from: 'db', spec: '.' } }],
    },
    {
      name: "a subfolder's file importing the folder's index",
      filename: at('electron/sync/team/shift-log.ts'),
      code: "import { VenueSync } from '../index';",
      options: [{ floors: { ...floors, sync: 2 } }],
      errors: [{ messageId: 'ownIndex', data: { from: 'sync', spec: '../index' } }],
    },
    {
      name: 'a folder without a floor',
      filename: at('electron/widgets/thing.ts'),
      code: "import { x } from '../db';",
      options,
      errors: [{ messageId: 'noFloor', data: { folder: 'widgets' } }],
    },
    {
      name: 'importing a folder without a floor',
      filename: at('electron/app/start-app.ts'),
      code: "import { x } from '../widgets';",
      options,
      errors: [{ messageId: 'noFloor', data: { folder: 'widgets' } }],
    },
  ],
});
