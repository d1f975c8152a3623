/**
 * The last lines of `.ci/run`: the test counts from Vitest's JSON report plus the real-Electron
 * smoke run (scripts/smoke-electron.ts writes its outcome to test-results/smoke-electron.json),
 * ending with `N passed, N failed, N skipped`. A smoke run that was skipped counts as skipped,
 * with its reason printed above; one that did not report at all counts as failed. Never as
 * passed unless it ran and passed.
 *
 *   node scripts/ci-summary.ts test-results/vitest.json test-results/smoke-electron.json
 *   exit 0: everything that ran passed · 1 otherwise
 */
import { existsSync, readFileSync } from 'node:fs';

export interface VitestReport {
  readonly numTotalTests?: number;
  readonly numPassedTests?: number;
  readonly numFailedTests?: number;
  readonly numPendingTests?: number;
  readonly numTodoTests?: number;
  readonly success?: boolean;
}

export interface SmokeOutcome {
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly reason: string;
}

export interface Summary {
  readonly lines: string[];
  readonly ok: boolean;
}

export function summarize(vitest: VitestReport | null, smoke: SmokeOutcome | null): Summary {
  const lines: string[] = [];
  let passed = vitest?.numPassedTests ?? 0;
  let failed = vitest?.numFailedTests ?? 0;
  let skipped = (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0);
  let ok =
    vitest !== null && (vitest.numTotalTests ?? 0) > 0 && failed === 0 && vitest.success !== false;
  if (vitest === null) lines.push('no test report (test-results/vitest.json)');

  if (smoke === null) {
    failed += 1;
    ok = false;
    lines.push('smoke:electron: FAILED: it did not report an outcome');
  } else if (smoke.status === 'passed') {
    passed += 1;
    lines.push(`smoke:electron: passed: ${smoke.reason}`);
  } else if (smoke.status === 'skipped') {
    skipped += 1;
    lines.push(`smoke:electron: skipped (not counted as passed): ${smoke.reason}`);
  } else {
    failed += 1;
    ok = false;
    lines.push(`smoke:electron: FAILED: ${smoke.reason}`);
  }
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return { lines, ok };
}

function readJson<T>(file: string | undefined): T | null {
  if (!file || !existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

if (import.meta.main) {
  const [vitestFile, smokeFile] = process.argv.slice(2);
  const summary = summarize(readJson<VitestReport>(vitestFile), readJson<SmokeOutcome>(smokeFile));
  console.log(summary.lines.join('\n'));
  process.exitCode = summary.ok ? 0 : 1;
}
