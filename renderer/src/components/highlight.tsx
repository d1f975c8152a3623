/**
 * Marks where a search matched inside a cell, the way the search itself compares: substring,
 * case- and accent-insensitive ("bjorn" marks the "Björn" of "Björn Schmidt").
 */
import type { CSSProperties, ReactNode } from 'react';

/** Folds one character the way search does: no accents, lower case. */
const fold = (c: string): string =>
  c
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/**
 * Start and end (in `text`) of every match of any word of `query` (the search wants each word
 * somewhere), left to right, overlaps merged.
 */
export function matchRanges(text: string, query: string): Array<[number, number]> {
  const all = query
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')
    .flatMap((w) => wordRanges(text, w))
    .sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

function wordRanges(text: string, word: string): Array<[number, number]> {
  const q = [...word].map(fold).join('');
  if (q === '') return [];
  // The folded text, and for each folded position the original index it came from.
  let folded = '';
  const from: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) from.push(i);
    folded += f;
    i += ch.length;
  }
  from.push(text.length);
  const out: Array<[number, number]> = [];
  for (let at = folded.indexOf(q); at >= 0; at = folded.indexOf(q, at + q.length)) {
    const end = from[at + q.length] ?? text.length;
    out.push([from[at] ?? 0, end === from[at + q.length - 1] ? end + 1 : end]);
  }
  return out;
}

/**
 * Where a text of `length` characters is cut so its last `keepEnd` stay in sight (0: no cut).
 * A match that reaches into the kept end moves the cut to its start, so it is never split.
 */
export function middleCut(
  length: number,
  ranges: ReadonlyArray<readonly [number, number]>,
  keepEnd: number,
): number {
  let split = keepEnd > 0 && length > keepEnd ? length - keepEnd : 0;
  for (const [a, b] of ranges) if (a < split && split < b) split = a;
  return split;
}

export function Highlight({
  text,
  query,
  empty = '—',
  keepEnd = 0,
}: {
  text: string;
  query: string;
  empty?: string;
  /**
   * Characters at the end that stay in sight when the cell is too narrow: the text is cut in
   * the middle instead ("tkt-se5s…0001sl"), so a ticket's suffix (what people search by) is
   * never the part hidden. A match is never split: one that reaches into the kept end is kept
   * whole with it.
   */
  keepEnd?: number;
}) {
  const shown = text === '' ? empty : text;
  const ranges = text === '' ? [] : matchRanges(text, query);
  const split = middleCut(shown.length, ranges, keepEnd);
  if (split === 0) {
    return (
      <span className="id" title={shown}>
        {marked(shown, ranges, 0, shown.length)}
      </span>
    );
  }
  return (
    <span className="id" title={shown} style={{ '--keep': shown.length - split } as CSSProperties}>
      <span className="id-head">{marked(shown, ranges, 0, split)}</span>
      {marked(shown, ranges, split, shown.length)}
    </span>
  );
}

/** `shown[from, to)` with the matches inside it marked (no range crosses `from` or `to`). */
function marked(
  shown: string,
  ranges: ReadonlyArray<[number, number]>,
  from: number,
  to: number,
): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = from;
  ranges.forEach(([a, b], n) => {
    if (b <= from || a >= to) return;
    if (a > last) parts.push(shown.slice(last, a));
    parts.push(
      <mark key={n} data-testid="match">
        {shown.slice(a, b)}
      </mark>,
    );
    last = b;
  });
  if (last < to) parts.push(shown.slice(last, to));
  return parts;
}
