/**
 * The relay's `sequence` stamp of a message that is not parsed: one over the size limit (up to
 * the relay client's hard cap, megabytes) or not valid UTF-8. Its sequence is what lets the
 * cursor move past it once it is quarantined; without it the relay would send it again on every
 * reconnect. A single linear pass over the top-level object, no allocation but the value found;
 * it gives what JSON.parse would (the last `sequence` key wins, escapes decoded) for valid JSON
 * and null for anything it cannot read with certainty.
 */
import { MAX_ID_LENGTH } from './schemas';

type At = (i: number) => number;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** The top-level `sequence` string of a JSON object, or null. */
export function scanTopLevelSequence(input: string | Uint8Array): string | null {
  if (typeof input === 'string') {
    return scan(
      (i) => input.charCodeAt(i),
      input.length,
      (s, e) => input.slice(s, e),
    );
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return scan(
    (i) => input[i]!,
    input.length,
    (s, e) => decoder.decode(input.subarray(s, e)),
  );
}

function scan(at: At, length: number, text: (start: number, end: number) => string): string | null {
  let i = 0;
  const skipSpace = (): void => {
    while (i < length && isSpace(at(i))) i++;
  };
  /** Index just past the closing quote of the string opening at i, or -1. */
  const stringEnd = (from: number): number => {
    for (let j = from + 1; j < length; j++) {
      const c = at(j);
      if (c === BACKSLASH) j++;
      else if (c === QUOTE) return j + 1;
      else if (c < 0x20) return -1;
    }
    return -1;
  };
  /** Index just past a nested value (object, array, or scalar) starting at i, or -1. */
  const valueEnd = (from: number): number => {
    let depth = 0;
    for (let j = from; j < length; j++) {
      const c = at(j);
      if (c === QUOTE) {
        const end = stringEnd(j);
        if (end < 0) return -1;
        if (depth === 0) return end;
        j = end - 1;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) return j; // the scalar before the parent's closing bracket
        depth--;
        if (depth === 0) return j + 1;
      } else if (depth === 0 && (c === 0x2c || isSpace(c))) return j;
    }
    return -1;
  };
  const decodeString = (start: number, end: number): string | null => {
    const raw = text(start, end);
    try {
      const v: unknown = JSON.parse(raw);
      return typeof v === 'string' ? v : null;
    } catch {
      return null;
    }
  };

  if (length >= 3 && at(0) === 0xef && at(1) === 0xbb && at(2) === 0xbf) i = 3;
  else if (at(0) === 0xfeff) i = 1;
  skipSpace();
  if (at(i) !== 0x7b) return null;
  i++;
  let found: string | null = null;
  for (;;) {
    skipSpace();
    if (at(i) === 0x7d) return found;
    if (at(i) !== QUOTE) return null;
    const keyEnd = stringEnd(i);
    if (keyEnd < 0) return null;
    // Only a key of the right length can be `sequence`, escaped or not.
    const isSequence = keyEnd - i <= 64 && decodeString(i, keyEnd) === 'sequence';
    i = keyEnd;
    skipSpace();
    if (at(i) !== 0x3a) return null;
    i++;
    skipSpace();
    const start = i;
    const end = valueEnd(i);
    if (end < 0) return null;
    if (isSequence) {
      found =
        at(start) === QUOTE && end - start <= MAX_ID_LENGTH * 6 + 2
          ? decodeString(start, end)
          : null;
    }
    i = end;
    skipSpace();
    if (at(i) === 0x2c) i++;
    else if (at(i) === 0x7d) return found;
    else return null;
  }
}
