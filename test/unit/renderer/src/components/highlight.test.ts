import { describe, expect, it } from 'vitest';
import { matchRanges } from '../../../../../renderer/src/components/highlight';

const marked = (text: string, q: string) => matchRanges(text, q).map(([a, b]) => text.slice(a, b));

describe('search match highlighting', () => {
  it('marks substrings case- and accent-insensitively, in the original text', () => {
    expect(marked('Björn Schmidt', 'bjorn')).toEqual(['Björn']);
    expect(marked('Björn Schmidt', 'SCHMIDT')).toEqual(['Schmidt']);
    expect(marked('tkt-s7-0001hf', '01hf')).toEqual(['01hf']);
    expect(marked('Zoë Dubois', 'zoe')).toEqual(['Zoë']);
    expect(marked('anna.anna@example.com', 'anna')).toEqual(['anna', 'anna']);
    expect(marked('Chloé', 'oe')).toEqual(['oé']);
    expect(marked('abc', '')).toEqual([]);
  });

  it('marks every word of a several-word search, overlaps merged', () => {
    expect(marked('Björn Schmidt', 'schmidt bjorn')).toEqual(['Björn', 'Schmidt']);
    expect(marked('Schmidt-Weber', 'schmi midt')).toEqual(['Schmidt']);
    expect(marked('Tom Smith', '  tom   ')).toEqual(['Tom']);
  });
});
