import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** The contract's own example event, parsed fresh on each call so tests can mutate it. */
export function contractExample(): Record<string, any> {
  return JSON.parse(readFileSync(join(FIXTURES, 'contract-example.json'), 'utf8'));
}
