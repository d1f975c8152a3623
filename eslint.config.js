import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import gateOps from './eslint-rules/index.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http'];

// The floors of electron/ (docs/layout.md): a folder imports its own floor or below, never above.
const floors = {
  files: 0,
  storage: 0,
  db: 1,
  'demo-venue': 2,
  relay: 2,
  ingest: 2,
  activity: 2,
  alerts: 2,
  reports: 2,
  settings: 2,
  sync: 2,
  api: 3,
  app: 4,
  cli: 5,
  headless: 5,
  main: 5,
  preload: 5,
};
const floorNames = {
  0: 'storage floor',
  1: 'data access',
  2: 'features',
  3: 'the API floor',
  4: 'the composition root',
  5: 'hosts',
};
const testOnlyPackages = [
  'vitest',
  'fast-check',
  'playwright-core',
  '@playwright/test',
  'rxdb/plugins/storage-memory',
  'rxdb/plugins/test-utils',
  'pdf-parse',
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', ...nodeBuiltins, '**/electron/**'],
              message: 'The renderer only talks to main through GateOpsApi.',
            },
          ],
        },
      ],
    },
  },
  {
    // shared/ runs anywhere: no electron, no node modules, no DOM.
    files: ['shared/**/*.ts'],
    languageOptions: { globals: { ...globals.es2024 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'react', ...nodeBuiltins, '**/electron/**', '**/renderer/**'],
              message: 'shared/ must run anywhere.',
            },
          ],
        },
      ],
    },
  },
  {
    // Only the Electron glue in electron/main and electron/preload may import electron.
    files: ['electron/**/*.ts'],
    ignores: ['electron/main/**', 'electron/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Core services must run under plain Node (headless mode, tests).',
            },
          ],
          patterns: [
            {
              // Electron's own subpaths ('electron/main', 'electron/renderer'), not our folders.
              regex: '^electron/',
              message: 'Core services must run under plain Node (headless mode, tests).',
            },
          ],
        },
      ],
    },
  },
  {
    // The layout's boundaries (eslint-rules/, tested in test/unit/eslint-rules/).
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    plugins: { 'gate-ops': gateOps },
    rules: {
      'gate-ops/layers': ['error', { floors, names: floorNames }],
      'gate-ops/no-test-code': ['error', { packages: testOnlyPackages }],
    },
  },
  {
    // Tests poke at arbitrary JSON; `any` is honest there.
    files: ['test/**/*.{ts,tsx}', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
