import { defineConfig } from 'vitest/config';

// One runner for unit, integration and end-to-end tests. The JSON report is what .ci/run counts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Builds out/ first when it is missing or stale (tests run the built CLI and bundles).
    globalSetup: ['test/setup/build-when-stale.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
