import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, REASON_CODES } from '../../../../shared/contract';
import { contractExample } from '../../../helpers/events';

function checkOneVerdict(input: string | Uint8Array): void {
  const r = classify(input);
  expect(['checkin', 'skipped', 'rejected']).toContain(r.verdict);
  if (r.verdict === 'rejected') {
    expect(r.reasons.length).toBeGreaterThan(0);
    for (const reason of r.reasons) {
      expect(REASON_CODES).toContain(reason.code);
      expect(reason.path.startsWith('$')).toBe(true);
      expect(typeof reason.message).toBe('string');
    }
  } else {
    expect(typeof r.event).toBe('object');
  }
}

/** Replace one field somewhere in the example with an arbitrary JSON value, or delete it. */
const mutatedExample = fc
  .record({
    path: fc.constantFrom(
      ...Object.keys(contractExample()),
      ...Object.keys(contractExample()['data']).map((k) => `data.${k}`),
      'data.attendee.name',
      'data.attendee.email',
    ),
    value: fc.option(fc.jsonValue(), { nil: undefined }),
  })
  .map(({ path, value }) => {
    const e = contractExample();
    const parts = path.split('.');
    let cur = e;
    for (const p of parts.slice(0, -1)) cur = cur[p];
    if (value === undefined) delete cur[parts[parts.length - 1]!];
    else cur[parts[parts.length - 1]!] = value;
    return JSON.stringify(e);
  });

describe('classify never throws and always gives exactly one verdict', () => {
  it('for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), checkOneVerdict), {
      numRuns: 500,
    });
  });

  it('for arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), checkOneVerdict), { numRuns: 500 });
  });

  it('for arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => checkOneVerdict(JSON.stringify(v) ?? '')),
      { numRuns: 500 },
    );
  });

  it('for the example with any one field replaced or removed', () => {
    fc.assert(fc.property(mutatedExample, checkOneVerdict), { numRuns: 1000 });
  });

  it('for objects with hostile keys', () => {
    const hostileKey = fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      '',
    );
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(hostileKey, fc.string()), fc.jsonValue()), (obj) => {
        const text = JSON.stringify(obj).replace(/^\{/, '{"__proto__":{"x":1},');
        checkOneVerdict(text);
        expect(({} as Record<string, unknown>)['x']).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
