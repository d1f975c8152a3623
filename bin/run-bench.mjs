#!/usr/bin/env node
// Runs benchmarks one after another, each in its own Node process (`node --import tsx`), so
// one benchmark's heap and JIT state never colour the next one's numbers.
//   npm run bench                          every bench/*.bench.ts
//   npm run bench -- bench/storage.bench.ts   only the files given
// Node flags for the children go through NODE_OPTIONS (e.g. NODE_OPTIONS=--cpu-prof).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const given = process.argv.slice(2);
const files = given.length
  ? given
  : readdirSync(path.join(root, 'bench'))
      .filter((name) => name.endsWith('.bench.ts'))
      .sort()
      .map((name) => path.join('bench', name));

if (files.length === 0) {
  console.log('No bench/*.bench.ts files to run.');
  process.exit(0);
}

const failed = [];
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) failed.push(`${file} (exit ${result.status ?? result.signal})`);
}
if (failed.length) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
