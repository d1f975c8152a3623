import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeIndexKey,
  encodeIndexKeyGeneric,
} from '../../../../electron/storage/index-key-encoding';

// Characters chosen around every boundary the encoding cares about: below/at/above the
// padding space, the UTF-8 length steps, surrogates (paired and lone) and U+E000..U+FFFF.
const interesting = [
  '\x00',
  '\x1f',
  ' ',
  '!',
  '0',
  'a',
  '\x7f',
  '\x80',
  'é',
  '\u07ff',
  '\u0800',
  '\ud7ff',
  '\ud83d',
  '\ude00',
  '😀',
  '𝄞',
  '\ue000',
  '\uff21',
  '\ufffd',
  '\uffff',
];
const char = fc.oneof(
  fc.constantFrom(...interesting),
  fc.constantFrom(' ', ' ', ' '),
  fc.string({ maxLength: 1, unit: 'binary' }),
);
const keyString = fc.array(char, { maxLength: 24 }).map((parts) => parts.join(''));

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

describe('encodeIndexKey', () => {
  it('orders bytes exactly as JavaScript orders strings (UTF-16 code units)', () => {
    fc.assert(
      fc.property(keyString, keyString, (a, b) => {
        const js = a < b ? -1 : a > b ? 1 : 0;
        expect(sign(Buffer.compare(encodeIndexKey(a), encodeIndexKey(b)))).toBe(js);
      }),
      { numRuns: 20_000 },
    );
  });

  it('sorts a BMP private-use char above an astral char, as JavaScript does', () => {
    const astral = encodeIndexKey('😀');
    const bmpHigh = encodeIndexKey('\uff21');
    expect('😀' < '\uff21').toBe(true);
    expect(Buffer.compare(astral, bmpHigh)).toBe(-1);
  });

  it('gives the same bytes on the ASCII fast path as on the generic path', () => {
    const ascii = fc
      .array(
        fc.oneof(
          fc.constantFrom(' ', ' ', '\x00', '\x1f', '!', '\x7f'),
          fc.string({ maxLength: 1 }),
        ),
        { maxLength: 300 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(ascii, (s) => {
        expect(Buffer.from(encodeIndexKey(s))).toEqual(Buffer.from(encodeIndexKeyGeneric(s)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('compresses padding runs', () => {
    expect(encodeIndexKey('abc'.padEnd(200, ' ')).length).toBe(7);
  });
});
