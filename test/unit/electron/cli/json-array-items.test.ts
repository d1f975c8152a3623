import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonArrayItemSpans } from '../../../../electron/cli/json-array-items';

describe('jsonArrayItemSpans', () => {
  it('finds exactly the bytes of each item, whatever the layout (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.constantFrom(0, 2, '\t'), (items, indent) => {
        const text = JSON.stringify(items, null, indent);
        const buf = Buffer.from(text);
        const spans = jsonArrayItemSpans(buf, buf.indexOf(0x5b));
        expect(spans.map(([s, e]) => JSON.parse(buf.subarray(s, e).toString()))).toEqual(
          JSON.parse(text),
        );
      }),
    );
  });

  it('keeps escapes and odd strings inside an item', () => {
    const buf = Buffer.from(' [ {"a":"x\\"],{"} , "\\u00e9\\\\" ,[1,[2]]\n]');
    const spans = jsonArrayItemSpans(buf, buf.indexOf(0x5b));
    expect(spans.map(([s, e]) => buf.subarray(s, e).toString())).toEqual([
      '{"a":"x\\"],{"}',
      '"\\u00e9\\\\"',
      '[1,[2]]',
    ]);
  });
});
