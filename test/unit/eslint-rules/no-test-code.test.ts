/** gate-ops/no-test-code: valid and invalid samples. */
import { join } from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import noTestCode from '../../../eslint-rules/no-test-code.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ROOT = join(import.meta.dirname, '..', '..', '..');
const at = (file: string): string => join(ROOT, file);
const options = [{ packages: ['vitest', 'fast-check', 'rxdb/plugins/storage-memory'] }] as const;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run('gate-ops/no-test-code', noTestCode, {
  valid: [
    {
      filename: at('electron/db/open-store.ts'),
      code: "import { getRxStorageNodeSqlite } from '../storage';",
      options,
    },
    {
      filename: at('electron/db/database.ts'),
      code: "import { createRxDatabase } from 'rxdb';",
      options,
    },
    { filename: at('shared/contract/classify.ts'), code: "import { z } from 'zod';", options },
    // Tests and benchmarks may use test helpers and test packages.
    {
      filename: at('test/unit/electron/db/x.test.ts'),
      code: "import { openMemoryStore } from '../../../helpers/memory-store';",
      options,
    },
    {
      filename: at('test/helpers/memory-store.ts'),
      code: "import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';",
      options,
    },
    { filename: at('bench/storage.bench.ts'), code: "import fc from 'fast-check';", options },
    // A name that merely starts like a test package is not one.
    {
      filename: at('electron/app/start-app.ts'),
      code: "import x from 'vitest-like-but-not';",
      options,
    },
  ],
  invalid: [
    {
      name: 'production code importing a test helper',
      filename: at('electron/app/start-app.ts'),
      code: "import { createMemorySecretStore } from '../../test/helpers/memory-secret-store';",
      options,
      errors: [
        {
          messageId: 'testFile',
          data: { spec: '../../test/helpers/memory-secret-store', folder: 'test' },
        },
      ],
    },
    {
      name: 'the renderer importing a bench fixture',
      filename: at('renderer/src/app.tsx'),
      code: "export * from '../../bench/dashboard-fixture';",
      options,
      errors: [{ messageId: 'testFile' }],
    },
    {
      name: "RxDB's memory storage in the app",
      filename: at('electron/db/open-store.ts'),
      code: "import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';",
      options,
      errors: [{ messageId: 'testPackage' }],
    },
    {
      name: 'a test runner in shared/',
      filename: at('shared/domain/alert-rules.ts'),
      code: "import { expect } from 'vitest';",
      options,
      errors: [{ messageId: 'testPackage' }],
    },
  ],
});
