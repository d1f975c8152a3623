/** Repository-relative, '/'-separated paths of the file being linted and of what it imports. */
import path from 'node:path';

export function relativeToRoot(root, file) {
  return path.relative(root, file).split(path.sep).join('/');
}

/** The repository path a relative import names, or null for a package import. */
export function importTarget(root, file, spec) {
  if (!spec.startsWith('./') && !spec.startsWith('../') && spec !== '.' && spec !== '..') {
    return null;
  }
  return relativeToRoot(root, path.resolve(path.dirname(file), spec));
}

/** Calls `check(node, spec)` for every import, re-export and dynamic import with a literal. */
export function importVisitors(check) {
  const fromSource = (node) => {
    if (node.source && typeof node.source.value === 'string') check(node.source, node.source.value);
  };
  return {
    ImportDeclaration: fromSource,
    ExportNamedDeclaration: fromSource,
    ExportAllDeclaration: fromSource,
    ImportExpression: fromSource,
  };
}
