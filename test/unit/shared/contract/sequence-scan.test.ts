import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanTopLevelSequence } from '../../../../shared/contract/sequence-scan';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('scanTopLevelSequence', () => {
  it('finds the top-level sequence, not a nested one', () => {
    const text =
      '{"data":{"sequence":"inner","x":[1,{"sequence":"deep"}]},"sequence":"000000000042"}';
    expect(scanTopLevelSequence(text)).toBe('000000000042');
    expect(scanTopLevelSequence(bytes(text))).toBe('000000000042');
    expect(scanTopLevelSequence('{"data":{"sequence":"inner"}}')).toBeNull();
  });

  it('reads escapes, a BOM, and takes the last duplicate key as JSON.parse does', () => {
    expect(scanTopLevelSequence('\uFEFF {"\\u0073equence" : "a\\"b"}')).toBe('a"b');
    expect(scanTopLevelSequence('{"sequence":"1","sequence":"2"}')).toBe('2');
    expect(scanTopLevelSequence(bytes('\uFEFF{"sequence":"é"}'))).toBe('é');
  });

  it('gives null for what it cannot read with certainty', () => {
    for (const text of ['', 'not json', '[1]', '{"sequence":5}', '{"sequence":"1"', '{"a":}'])
      expect(scanTopLevelSequence(text)).toBeNull();
  });

  it('finds the sequence of a message with invalid UTF-8 elsewhere in it', () => {
    const head = bytes('{"data":"');
    const tail = bytes('","sequence":"000000000007"}');
    expect(scanTopLevelSequence(new Uint8Array([...head, 0xff, 0xfe, ...tail]))).toBe(
      '000000000007',
    );
  });

  it('agrees with JSON.parse on any object (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        fc.constantFrom(0, 2),
        (rest, sequence, indent) => {
          const value = sequence === undefined ? rest : { ...rest, sequence };
          const text = JSON.stringify(value, null, indent);
          const parsed = JSON.parse(text) as Record<string, unknown>;
          const expected =
            Object.hasOwn(parsed, 'sequence') && typeof parsed['sequence'] === 'string'
              ? parsed['sequence']
              : null;
          expect(scanTopLevelSequence(text)).toBe(expected);
          expect(scanTopLevelSequence(bytes(text))).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scans a 20 MiB message in one pass', () => {
    const text = `{"data":{"notes":"${'x'.repeat(20 * 1024 * 1024)}"},"sequence":"000000000099"}`;
    expect(scanTopLevelSequence(bytes(text))).toBe('000000000099');
  });
});
