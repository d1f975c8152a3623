/**
 * A stable fingerprint of a JSON value, used to tell a redelivery (same key, same payload) from a
 * conflict (same key, different payload). Object key order does not matter; everything else does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** cyrb53: a fast 53-bit string hash (not cryptographic; collisions only matter within one key). */
export function hash53(text: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return digest(h1, h2);
}

function digest(a: number, b: number): string {
  const x = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  const y = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(x ^ (x >>> 13), 3266489909);
  return (4294967296 * (2097151 & y) + (x >>> 0)).toString(36);
}

/**
 * `hash53(canonicalJson(value))`, computed without building the canonical text: the hash takes
 * the text's pieces as the walk makes them (it reads characters in order, so the result is the
 * same to the bit). A fingerprint is taken of every incoming check-in; the text and its arrays
 * were most of that cost.
 */
export function fingerprint(value: unknown): string {
  h1 = 0xdeadbeef;
  h2 = 0x41c6ce57;
  feedValue(value);
  return digest(h1, h2);
}

// The running state of fingerprint() (synchronous, so never shared by two walks at once).
let h1 = 0;
let h2 = 0;

function feed(text: string): void {
  let a = h1;
  let b = h2;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    a = Math.imul(a ^ ch, 2654435761);
    b = Math.imul(b ^ ch, 1597334677);
  }
  h1 = a;
  h2 = b;
}

/** A JSON string literal, as JSON.stringify writes it, without building it when nothing needs escaping. */
function feedString(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch < 0x20 || ch === 0x22 || ch === 0x5c || (ch >= 0xd800 && ch <= 0xdfff)) {
      feed(JSON.stringify(text));
      return;
    }
  }
  feed('"');
  feed(text);
  feed('"');
}

function feedValue(value: unknown): void {
  if (typeof value === 'string') {
    feedString(value);
    return;
  }
  if (value === null || typeof value !== 'object') {
    feed(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    feed('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) feed(',');
      feedValue(value[i]);
    }
    feed(']');
    return;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  feed('{');
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (i > 0) feed(',');
    feedString(k);
    feed(':');
    feedValue(obj[k]);
  }
  feed('}');
}
