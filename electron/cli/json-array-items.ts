/**
 * The byte spans of the top-level items of a JSON array, so each item is classified as the bytes
 * the file holds: re-serializing a parsed item changes its size (escapes such as `\u00e9` become
 * one character) and repairs invalid UTF-8, and the verdict must not depend on the file's layout.
 * Only called on a document that JSON.parse accepted as an array, so the scan can be simple:
 * strings (with their escapes) are skipped, brackets counted, commas at depth 1 split items.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** `[start, end)` of each item, whitespace trimmed; `open` is the index of the array's `[`. */
export function jsonArrayItemSpans(buf: Uint8Array, open: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let depth = 0;
  let inString = false;
  let itemStart = -1;
  const close = (end: number): void => {
    let s = itemStart;
    let e = end;
    while (s < e && isSpace(buf[s])) s++;
    while (e > s && isSpace(buf[e - 1])) e--;
    if (e > s) spans.push([s, e]);
  };
  for (let i = open; i < buf.length; i++) {
    const b = buf[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
      continue;
    }
    if (b === QUOTE) inString = true;
    else if (b === 0x5b /* [ */ || b === 0x7b /* { */) {
      depth++;
      if (depth === 1) itemStart = i + 1;
    } else if (b === 0x5d /* ] */ || b === 0x7d /* } */) {
      depth--;
      if (depth === 0) {
        close(i);
        return spans;
      }
    } else if (b === COMMA && depth === 1) {
      close(i);
      itemStart = i + 1;
    }
  }
  return spans;
}
