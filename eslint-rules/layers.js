/**
 * gate-ops/layers: the floors of electron/ hold by themselves. Each folder of electron/ has a
 * floor (option `floors`: folder name → number, higher is further up); a file may import folders
 * on its own floor or below, never above ("no import runs back up"), and another folder only
 * through its index (`../db`, not `../db/raw-query`), so a folder's internals stay its own.
 * A folder without a floor is reported, so a new folder gets its place on purpose. Inside a
 * folder, a file never imports its own folder's index: the index imports every file, so that
 * import is a circle (and hides which file a name comes from).
 */
import { importTarget, importVisitors, relativeToRoot } from './paths.js';

export default {
  meta: {
    type: 'problem',
    docs: {
      description:
        'electron/ folders import only downwards, and other folders only through their index',
    },
    schema: [
      {
        type: 'object',
        properties: {
          floors: { type: 'object', additionalProperties: { type: 'number' } },
          names: { type: 'object', additionalProperties: { type: 'string' } },
        },
        required: ['floors'],
        additionalProperties: false,
      },
    ],
    messages: {
      up: 'electron/{{from}} ({{fromFloor}}) must not import electron/{{to}} ({{toFloor}}): imports run down the floors, never back up.',
      internals:
        "Import electron/{{to}} through its index ('{{index}}'), not its file {{inner}}: a folder's internals are its own.",
      ownIndex:
        "electron/{{from}}'s own index ('{{spec}}') imports this file: import the file that defines the name instead, or it is a circle.",
      noFloor:
        'electron/{{folder}} has no floor: give it one in the gate-ops/layers options (eslint.config.js) and docs/layout.md.',
    },
  },
  create(context) {
    const { floors, names = {} } = context.options[0];
    const root = context.cwd;
    const file = context.filename;
    const parts = relativeToRoot(root, file).split('/');
    if (parts[0] !== 'electron' || parts.length < 3) return {};
    const from = parts[1];
    const floorName = (folder) => names[String(floors[folder])] ?? `floor ${floors[folder]}`;
    const reportedNoFloor = new Set();
    const noFloor = (node, folder) => {
      if (reportedNoFloor.has(folder)) return;
      reportedNoFloor.add(folder);
      context.report({ node, messageId: 'noFloor', data: { folder } });
    };
    return {
      Program(node) {
        if (floors[from] === undefined) noFloor(node, from);
      },
      ...importVisitors((node, spec) => {
        const target = importTarget(root, file, spec);
        if (target === null) return;
        const t = target.split('/');
        if (t[0] !== 'electron' || t.length < 2) return;
        const to = t[1];
        if (to === from) {
          const inner = t.slice(2).join('/');
          const isIndex = parts.length === 3 && /^index\.(ts|tsx|js)$/.test(parts[2]);
          if (!isIndex && (inner === '' || /^index(\.(ts|tsx|js))?$/.test(inner))) {
            context.report({ node, messageId: 'ownIndex', data: { from, spec } });
          }
          return;
        }
        if (floors[to] === undefined) return noFloor(node, to);
        if (floors[from] !== undefined && floors[to] > floors[from]) {
          context.report({
            node,
            messageId: 'up',
            data: { from, to, fromFloor: floorName(from), toFloor: floorName(to) },
          });
        }
        const inner = t
          .slice(2)
          .join('/')
          .replace(/\.(ts|tsx|js)$/, '');
        if (inner !== '' && inner !== 'index') {
          const index = spec.slice(0, spec.length - (t.slice(2).join('/').length + 1));
          context.report({ node, messageId: 'internals', data: { to, inner, index } });
        }
      }),
    };
  },
};
