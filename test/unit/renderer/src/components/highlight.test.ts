import { describe, expect, it } from 'vitest';
import { matchRanges, middleCut } from '../../../../../renderer/src/components/highlight';

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

  it('cuts an id in the middle so its end stays whole, never through a match', () => {
    const id = 'tkt-se5s6nl-0001sl';
    expect(middleCut(id.length, [], 6)).toBe(id.length - 6);
    expect(id.slice(middleCut(id.length, [], 6))).toBe('0001sl');
    // A match reaching into the kept end is kept whole with it.
    const across = matchRanges(id, 'nl-0001');
    expect(id.slice(middleCut(id.length, across, 6))).toBe('nl-0001sl');
    // A match inside the kept end, or before it, leaves the cut where it is.
    expect(middleCut(id.length, matchRanges(id, '01sl'), 6)).toBe(id.length - 6);
    expect(middleCut(id.length, matchRanges(id, 'tkt'), 6)).toBe(id.length - 6);
    // Short texts, and no end to keep: no cut.
    expect(middleCut(5, [], 6)).toBe(0);
    expect(middleCut(id.length, [], 0)).toBe(0);
    // A match from the very start across the cut: nothing to cut before it.
    expect(middleCut(id.length, [[0, id.length - 2]], 6)).toBe(0);
  });
});
