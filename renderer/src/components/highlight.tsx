/**
 * Marks where a search matched inside a cell, the way the search itself compares: substring,
 * case- and accent-insensitive ("bjorn" marks the "Björn" of "Björn Schmidt").
 */
import type { ReactNode } from 'react';

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

export function Highlight({
  text,
  query,
  empty = '—',
}: {
  text: string;
  query: string;
  empty?: string;
}) {
  const shown = text === '' ? empty : text;
  const ranges = text === '' ? [] : matchRanges(text, query);
  const parts: ReactNode[] = [];
  let last = 0;
  ranges.forEach(([a, b], n) => {
    if (a > last) parts.push(shown.slice(last, a));
    parts.push(
      <mark key={n} data-testid="match">
        {shown.slice(a, b)}
      </mark>,
    );
    last = b;
  });
  if (last < shown.length) parts.push(shown.slice(last));
  return (
    <span className="id" title={shown}>
      {parts}
    </span>
  );
}
