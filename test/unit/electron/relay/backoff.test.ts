import fc from 'fast-check';
import { expect, it } from 'vitest';
import { backoffDelay } from '../../../../electron/relay/backoff';

it('stays within [0, min(cap, base · 2^(n-1))) for any attempt and random draw', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 200 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 1, max: 600_000 }),
      (attempt, r, baseMs, capMs) => {
        const d = backoffDelay(attempt, { baseMs, capMs }, () => r);
        const bound = Math.min(capMs, baseMs * 2 ** (attempt - 1));
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(bound);
        expect(Number.isInteger(d)).toBe(true);
      },
    ),
  );
});

it('uses the full jitter range', () => {
  const policy = { baseMs: 100, capMs: 1000 };
  expect(backoffDelay(3, policy, () => 0)).toBe(0);
  expect(backoffDelay(3, policy, () => 0.999999)).toBe(399);
  expect(backoffDelay(50, policy, () => 0.999999)).toBe(999);
});
