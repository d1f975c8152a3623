/**
 * Order-preserving byte encoding of RxDB index strings.
 *
 * RxDB compares index strings by UTF-16 code units (JavaScript `<`). SQLite compares TEXT by
 * UTF-8 bytes, which disagrees above U+FFFF, and node:sqlite (Node 24) has no API to register
 * a collation. So index columns are BLOBs (compared with memcmp) holding an encoding whose byte
 * order equals JavaScript's string order:
 *
 * - Every UTF-16 code unit, lone surrogates included, is written the UTF-8 way as if it were a
 *   code point (CESU-8). That is order-preserving per code unit, so surrogates (U+D800..DFFF)
 *   sort below U+E000..U+FFFF exactly as in JavaScript.
 * - A run of k spaces becomes 4 bytes, because RxDB pads every string field to its maxLength
 *   with spaces and a 200-char key would otherwise cost 200 bytes in every index. The token is
 *   0x20, a class byte, and a 16-bit length. If the char after the run is below ' ' (or the
 *   string ends), a longer run sorts higher (class 0, k ascending); if it is above ' ', a
 *   longer run sorts lower (class 1, 65535 - k). All class-0 runs sort below all class-1 runs,
 *   which is exactly how JavaScript compares such strings (see the property test).
 */

const SPACE = 0x20;
const MAX_RUN = 0xffff;

let scratch = new Uint8Array(4096);
const NON_ASCII = /[\u0080-\uffff]/;
const SPACE_RUNS = / +/g;

export function encodeIndexKey(value: string): Uint8Array {
  // Hot path (nearly every real key): ASCII, where the native replace/Buffer calls beat a
  // JavaScript loop over ~500 padded chars. Same bytes as encodeIndexKeyGeneric.
  if (!NON_ASCII.test(value)) {
    const latin1 = value.replace(SPACE_RUNS, (run: string, offset: number) => {
      const length = run.length;
      if (length > MAX_RUN) {
        throw new RangeError(`Index string has a run of ${length} spaces; at most ${MAX_RUN}`);
      }
      const highFollows = value.charCodeAt(offset + length) > SPACE; // NaN at the end: false
      const n = highFollows ? MAX_RUN - length : length;
      return ' ' + String.fromCharCode(highFollows ? 1 : 0, n >>> 8, n & 0xff);
    });
    return Buffer.from(latin1, 'latin1');
  }
  return encodeIndexKeyGeneric(value);
}

export function encodeIndexKeyGeneric(value: string): Uint8Array {
  const length = value.length;
  // Worst case: 3 bytes per code unit.
  if (scratch.length < length * 3 + 8) {
    scratch = new Uint8Array(length * 3 + 1024);
  }
  const out = scratch;
  let pos = 0;
  let i = 0;
  while (i < length) {
    const unit = value.charCodeAt(i);
    if (unit === SPACE) {
      let end = i + 1;
      while (end < length && value.charCodeAt(end) === SPACE) end++;
      const run = end - i;
      if (run > MAX_RUN) {
        throw new RangeError(`Index string has a run of ${run} spaces; at most ${MAX_RUN}`);
      }
      const highFollows = end < length && value.charCodeAt(end) > SPACE;
      const n = highFollows ? MAX_RUN - run : run;
      out[pos++] = SPACE;
      out[pos++] = highFollows ? 1 : 0;
      out[pos++] = n >>> 8;
      out[pos++] = n & 0xff;
      i = end;
      continue;
    }
    if (unit < 0x80) {
      out[pos++] = unit;
    } else if (unit < 0x800) {
      out[pos++] = 0xc0 | (unit >>> 6);
      out[pos++] = 0x80 | (unit & 0x3f);
    } else {
      out[pos++] = 0xe0 | (unit >>> 12);
      out[pos++] = 0x80 | ((unit >>> 6) & 0x3f);
      out[pos++] = 0x80 | (unit & 0x3f);
    }
    i++;
  }
  return out.slice(0, pos);
}
