import { describe, expect, it } from 'vitest';
import { summarize } from '../../../scripts/ci-summary';

const green = {
  numTotalTests: 10,
  numPassedTests: 9,
  numFailedTests: 0,
  numPendingTests: 1,
  success: true,
};

describe('CI summary', () => {
  it('a skipped smoke run is counted as skipped, with its reason, never as passed', () => {
    const s = summarize(green, { status: 'skipped', reason: 'no Electron binary (…)' });
    expect(s.lines).toEqual([
      'smoke:electron: skipped (not counted as passed): no Electron binary (…)',
      '9 passed, 0 failed, 2 skipped',
    ]);
    expect(s.ok).toBe(true);
  });

  it('a smoke run that passed or failed counts as such', () => {
    expect(summarize(green, { status: 'passed', reason: 'ready in 3 s' }).lines.at(-1)).toBe(
      '10 passed, 0 failed, 1 skipped',
    );
    const failed = summarize(green, { status: 'failed', reason: 'window never ready' });
    expect(failed.lines.at(-1)).toBe('9 passed, 1 failed, 1 skipped');
    expect(failed.ok).toBe(false);
  });

  it('no smoke outcome, no test report, failing tests: not ok', () => {
    expect(summarize(green, null)).toMatchObject({ ok: false });
    expect(summarize(green, null).lines.at(-1)).toBe('9 passed, 1 failed, 1 skipped');
    expect(summarize(null, { status: 'skipped', reason: 'x' }).ok).toBe(false);
    expect(summarize({ ...green, numFailedTests: 1 }, { status: 'passed', reason: '' }).ok).toBe(
      false,
    );
    expect(summarize({ ...green, success: false }, { status: 'passed', reason: '' }).ok).toBe(
      false,
    );
    expect(summarize({ numTotalTests: 0 }, { status: 'passed', reason: '' }).ok).toBe(false);
  });
});
