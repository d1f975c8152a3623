import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  classify,
  fingerprint,
  hash53,
  parseRfc3339,
} from '../../../../shared/contract';
import { checkInFields } from '../../../../shared/contract/check-in';
import { fastCheckInFields } from '../../../../shared/contract/fast-check-in';
import { checkInEventSchema } from '../../../../shared/contract/schemas';
import { contractExample } from '../../../helpers/events';

/**
 * The fast path of classify (fast-check-in.ts) may only ever say "valid" where the contract's
 * zod schema says so too, and must then give the very fields the zod path gives.
 */
function agreesWithZod(event: Record<string, unknown>): boolean | null {
  const fast = fastCheckInFields(event);
  if (fast === null) return null;
  const slow = checkInEventSchema.safeParse(event);
  expect(slow.success).toBe(true);
  if (!slow.success) return false;
  expect(fast).toEqual(checkInFields(slow.data.data));
  return true;
}

const long = (n: number, c = 'x') => c.repeat(n);

/** Values close to what the contract checks: lengths at the limits, near-miss formats. */
const edgy = fc.constantFrom<unknown>(
  '',
  long(128),
  long(129),
  long(256),
  long(512),
  long(513),
  long(1024),
  long(1025),
  '1.0',
  '1.99',
  '01.0',
  '2.0',
  '1',
  '1.0\n',
  '1.00000',
  'ticketing.check_in.created',
  'cope.ticketing',
  'application/json',
  'application/cloudevents+json; charset=utf-8',
  'text/json',
  'https://schemas.cope.com/events/ticketing.check_in.created/v1',
  'https://schemas.cope.com/events/ticketing.check_in.created/v01',
  'https://schemas.cope.com/events/ticketing.check_in.created/v2',
  'check_in:x',
  'check_in:',
  'check_in:\n',
  'check_in:a\nb',
  '2026-05-05T12:00:00Z',
  '2026-05-05T12:00:00.123456789+02:00',
  '2026-02-30T12:00:00Z',
  '2026-05-05T24:00:00Z',
  '2026-05-05 12:00:00Z',
  '2026-05-05T12:00:00',
  '1969-12-31T23:59:59Z',
  '2099-12-31T23:59:59.999Z',
  '2100-01-01T00:00:00Z',
  '0099-01-01T00:00:00Z',
  '2026-05-05T12:00:60Z',
  'İSTANBUL',
  'ΑΣ',
  // UTF-16 units against code points at the length limits, lone surrogates, control characters.
  `${'😀'.repeat(64)}x`,
  '😀'.repeat(128),
  `${'x'.repeat(127)}😀`,
  '\ud800',
  'tkt-\udfff-1',
  'a\u0000b',
  'line\u2028sep',
  '"\\',
  null,
  [],
  {},
  0,
  true,
);

const fields = [
  ...Object.keys(contractExample()),
  ...Object.keys(contractExample()['data']).map((k) => `data.${k}`),
  'data.attendee.name',
  'data.attendee.email',
  'data.gate',
  'data.device_id',
  'data.extra',
  'sequence',
  'extension',
];

/** One character of a string: often one JSON must escape or a lone surrogate, else any. */
const awkwardUnit = fc.oneof(
  fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '"', '\\', '\u0000', '\u001f', '\u2028'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

interface Change {
  readonly path: string;
  readonly value: unknown;
}

/**
 * The example with the changes made (a value replaces the field, undefined removes it). Each
 * value goes in as a copy: the generated values are never changed, and one object given twice
 * (`edgy`'s `{}` is one object for every run) cannot end up inside itself. It once did (seed
 * 333444624 at 10× the runs: "data" ← {} in one run, "data.gate" ← {} in the same run made it
 * cyclic, and a later run put it under "data.extra": stack overflow in fingerprint).
 */
function withChanges(changes: readonly Change[]): Record<string, any> {
  const e = contractExample();
  for (const { path, value } of changes) {
    const parts = path.split('.');
    let cur = e;
    for (const p of parts.slice(0, -1)) {
      if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {};
      cur = cur[p];
    }
    if (value === undefined) delete cur[parts[parts.length - 1]!];
    else cur[parts[parts.length - 1]!] = structuredClone(value);
  }
  return e;
}

/** The example with up to three fields replaced (edge values or any JSON) or removed. */
const mutated = fc
  .array(
    fc.record({
      path: fc.constantFrom(...fields),
      value: fc.option(fc.oneof(edgy, fc.jsonValue(), fc.jsonValue({ stringUnit: awkwardUnit })), {
        nil: undefined,
      }),
    }),
    { minLength: 0, maxLength: 3 },
  )
  .map(withChanges);

describe('the fast check-in path agrees with the contract schema', () => {
  it('builds its mutated examples from copies: one object given twice stays out of itself', () => {
    const shared = {};
    const e = withChanges([
      { path: 'data', value: shared },
      { path: 'data.gate', value: shared },
      { path: 'data.extra', value: shared },
    ]);
    expect(shared).toEqual({});
    expect(JSON.parse(JSON.stringify(e))['data']).toEqual({ gate: {}, extra: {} });
    expect(fingerprint(e)).toBe(hash53(canonicalJson(e)));
  });

  it('takes the contract example, with the same fields as zod', () => {
    expect(agreesWithZod(contractExample())).toBe(true);
  });

  it('never accepts what zod refuses, and gives zod’s fields (mutated examples)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutated, (e) => {
        if (agreesWithZod(e) === true) accepted += 1;
      }),
      { numRuns: 4000 },
    );
    // The property would be empty if the fast path refused everything.
    expect(accepted).toBeGreaterThan(100);
  });

  it('gives classify the same verdict either way (refusals still come with zod’s reasons)', () => {
    fc.assert(
      fc.property(mutated, (e) => {
        const r = classify(JSON.stringify(e));
        const zodOk = checkInEventSchema.safeParse(e).success;
        if (r.verdict === 'checkin') expect(zodOk).toBe(true);
        if (r.verdict === 'rejected') {
          expect(r.reasons.length).toBeGreaterThan(0);
          // A check-in zod takes is refused only for what classify checks before any schema.
          if (zodOk) {
            for (const { code } of r.reasons) expect(['forbidden_key', 'too_deep']).toContain(code);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('fingerprint', () => {
  it('is the hash of the canonical JSON, to the bit', () => {
    fc.assert(
      // Any UTF-16 unit, lone surrogates included: the fast writer must escape as JSON does.
      fc.property(fc.jsonValue({ stringUnit: awkwardUnit }), (v) => {
        expect(fingerprint(v)).toBe(hash53(canonicalJson(v)));
      }),
      { numRuns: 2000 },
    );
    const data = contractExample()['data'];
    expect(fingerprint(data)).toBe(hash53(canonicalJson(data)));
  });
});

/** parseRfc3339 as it was before it read dates without Date objects (the reference). */
function parseWithDates(value: string): number | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/.exec(
      value,
    );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone, sign, zh, zm] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as number[];
  const utc = (yy: number, mm: number, dd: number, hh = 0, mn = 0) => {
    const date = new Date(0);
    date.setUTCFullYear(yy, mm, dd);
    date.setUTCHours(hh, mn, 0, 0);
    return date;
  };
  if (month! < 1 || month! > 12 || day! < 1 || hour! > 23 || minute! > 59 || second! > 60)
    return null;
  if (day! > utc(year!, month!, 0).getUTCDate()) return null;
  let offset = 0;
  if (zone !== 'Z' && zone !== 'z') {
    if (Number(zh) > 23 || Number(zm) > 59) return null;
    offset = (Number(zh) * 60 + Number(zm)) * (sign === '-' ? -1 : 1);
  }
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  return (
    utc(year!, month! - 1, day!, hour, minute).getTime() + second! * 1000 + ms - offset * 60_000
  );
}

describe('parseRfc3339', () => {
  it('reads every date as the Date-based reading did', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const stampText = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
        two(13),
        two(32),
        two(24),
        two(60),
        two(61),
        fc.constantFrom('', '.5', '.123', '.123456789'),
        fc.constantFrom('Z', 'z', '+00:00', '-05:30', '+23:59', '+24:00', '-00:60'),
      )
      .map(([y, mo, d, h, mi, s, f, z]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${f}${z}`);
    fc.assert(
      fc.property(stampText, (text) => {
        expect(parseRfc3339(text)).toBe(parseWithDates(text));
      }),
      { numRuns: 5000 },
    );
    for (const leap of ['2024-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2000-02-29T00:00:00Z'])
      expect(parseRfc3339(leap)).toBe(parseWithDates(leap));
  });
});
