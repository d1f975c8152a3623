/**
 * gate-ops/no-test-code: production code never reaches into the tests. Test doubles and helpers
 * live in test/helpers (and benchmarks' in bench/); nothing test-only is imported, or bundled,
 * by electron/, shared/ or renderer/. Option `packages`: bare imports that are test-only.
 */
import { importTarget, importVisitors, relativeToRoot } from './paths.js';

const PRODUCTION = ['electron', 'shared', 'renderer'];
const TEST_FOLDERS = ['test', 'bench'];

export default {
  meta: {
    type: 'problem',
    docs: { description: 'production code imports no test helpers, doubles or test-only packages' },
    schema: [
      {
        type: 'object',
        properties: { packages: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
    messages: {
      testFile:
        '{{spec}} is test code ({{folder}}/): production code must not import it. Pass what the code needs as an argument instead.',
      testPackage: '{{spec}} is for tests only and must not be imported (or bundled) by the app.',
    },
  },
  create(context) {
    const packages = context.options[0]?.packages ?? [];
    const root = context.cwd;
    const file = context.filename;
    const top = relativeToRoot(root, file).split('/')[0];
    if (!PRODUCTION.includes(top)) return {};
    return importVisitors((node, spec) => {
      const target = importTarget(root, file, spec);
      if (target === null) {
        if (packages.some((p) => spec === p || spec.startsWith(`${p}/`))) {
          context.report({ node, messageId: 'testPackage', data: { spec } });
        }
        return;
      }
      const folder = target.split('/')[0];
      if (TEST_FOLDERS.includes(folder)) {
        context.report({ node, messageId: 'testFile', data: { spec, folder } });
      }
    });
  },
};
