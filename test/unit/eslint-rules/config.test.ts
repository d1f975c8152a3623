/**
 * The boundary rules as eslint.config.js wires them: sample files linted with the project's real
 * configuration, so a rule switched off or a glob gone wrong fails here, not in review.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('the lint configuration holds the boundaries', () => {
  it('only the Electron glue (main, preload) imports electron', async () => {
    const code = "import { app } from 'electron';\nexport const a = app;\n";
    expect(await ruleIds('electron/main/sample.ts', code)).toEqual([]);
    expect(await ruleIds('electron/preload/sample.ts', code)).toEqual([]);
    for (const file of [
      'electron/app/sample.ts',
      'electron/activity/sample.ts',
      'electron/headless/sample.ts',
      'electron/cli/sample.ts',
    ]) {
      expect(await ruleIds(file, code)).toContain('no-restricted-imports');
    }
    expect(await ruleIds('shared/api/sample.ts', code)).toContain('no-restricted-imports');
    expect(await ruleIds('renderer/src/sample.ts', code)).toContain('no-restricted-imports');
  });

  it("a feature importing another feature's internals, or a floor above it, fails", async () => {
    expect(
      await ruleIds(
        'electron/alerts/sample.ts',
        "import { ActivityService } from '../activity/activity-service';\nexport const a = ActivityService;\n",
      ),
    ).toContain('gate-ops/layers');
    expect(
      await ruleIds(
        'electron/db/sample.ts',
        "import { startApp } from '../app';\nexport const a = startApp;\n",
      ),
    ).toContain('gate-ops/layers');
    expect(
      await ruleIds(
        'electron/alerts/sample.ts',
        "import { ActivityService } from '../activity';\nexport const a = ActivityService;\n",
      ),
    ).toEqual([]);
  });

  it('production code importing test helpers or test-only packages fails', async () => {
    expect(
      await ruleIds(
        'electron/app/sample.ts',
        "import { openMemoryStore } from '../../test/helpers/memory-store';\nexport const a = openMemoryStore;\n",
      ),
    ).toContain('gate-ops/no-test-code');
    expect(
      await ruleIds(
        'electron/db/sample.ts',
        "import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';\nexport const a = getRxStorageMemory;\n",
      ),
    ).toContain('gate-ops/no-test-code');
    expect(
      await ruleIds(
        'test/unit/electron/db/sample.test.ts',
        "import { openMemoryStore } from '../../../helpers/memory-store';\nexport const a = openMemoryStore;\n",
      ),
    ).toEqual([]);
  });
});
