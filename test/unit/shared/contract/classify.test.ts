import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkInDetails,
  classify,
  dedupeKey,
  REASON_CODES,
  type ReasonCode,
} from '../../../../shared/contract';
import { contractExample } from '../../../helpers/events';

type Mutation = (e: Record<string, any>) => void;

const set =
  (path: string, value: unknown): Mutation =>
  (e) => {
    const parts = path.split('.');
    let cur = e;
    for (const p of parts.slice(0, -1)) cur = cur[p];
    cur[parts[parts.length - 1]!] = value;
  };
const del =
  (path: string): Mutation =>
  (e) => {
    const parts = path.split('.');
    let cur = e;
    for (const p of parts.slice(0, -1)) cur = cur[p];
    delete cur[parts[parts.length - 1]!];
  };

const REQUIRED_DATA = [
  'attendee',
  'check_in_id',
  'checked_in_at',
  'event_id',
  'event_product_id',
  'event_type',
  'occurred_at',
  'scanner_session_id',
  'schema_version',
  'ticket_id',
];
const REQUIRED_ENVELOPE = ['specversion', 'id', 'source', 'type', 'data'];
const STRING_DATA = [
  'check_in_id',
  'event_id',
  'event_product_id',
  'scanner_session_id',
  'ticket_id',
  'device_id',
  'gate',
];
const TIMESTAMPS = ['data.checked_in_at', 'data.occurred_at', 'time'];

function expectRejected(mutate: Mutation, code: ReasonCode, path: string): void {
  const e = contractExample();
  mutate(e);
  const result = classify(JSON.stringify(e));
  expect(result.verdict).toBe('rejected');
  if (result.verdict !== 'rejected') return;
  expect(result.reasons).toContainEqual(expect.objectContaining({ code, path }));
  for (const r of result.reasons) {
    expect(REASON_CODES).toContain(r.code);
    expect(r.message.length).toBeGreaterThan(5);
  }
}

function expectCheckIn(mutate: Mutation) {
  const e = contractExample();
  mutate(e);
  const result = classify(JSON.stringify(e));
  expect(
    result,
    JSON.stringify(result.verdict === 'rejected' ? result.reasons : null),
  ).toMatchObject({
    verdict: 'checkin',
  });
  return result;
}

describe('classify: valid check-ins', () => {
  it('accepts the contract example and normalizes it', () => {
    const result = expectCheckIn(() => {});
    if (result.verdict !== 'checkin') throw new Error('unreachable');
    expect(result.key).toBe('ticketing.check_in.created:example');
    expect(result.fields).toEqual({
      ticketId: 'example_id',
      checkedInAt: Date.parse('2026-05-05T12:00:00.000Z'),
      gate: '',
      deviceId: '',
      sessionId: 'example_id',
      eventId: 'example_id',
      nameLower: 'example_name',
      emailLower: 'buyer@example.com',
      fingerprint: expect.any(String),
    });
    expect(result.sequence).toBeNull();
    expect(checkInDetails(result.event)).toMatchObject({
      checkInId: 'example_id',
      productId: 'example_id',
      attendeeName: 'example_name',
      attendeeEmail: 'buyer@example.com',
      schemaVersion: '1.0',
      source: 'cope.ticketing',
    });
  });

  it('keeps unknown fields in the envelope and in data, verbatim', () => {
    const result = expectCheckIn((e) => {
      e['x_vendor'] = { nested: [1, 2] };
      e['data']['lane'] = 7;
      e['data']['attendee']['seat'] = 'A12';
    });
    if (result.verdict !== 'checkin') throw new Error('unreachable');
    expect(result.event['x_vendor']).toEqual({ nested: [1, 2] });
    expect((result.event['data'] as any).lane).toBe(7);
    expect(JSON.parse(result.text).data.attendee.seat).toBe('A12');
  });

  it.each(['1.0', '1.1', '1.12'])('accepts schema_version %s', (v) => {
    expectCheckIn(set('data.schema_version', v));
  });

  it.each([
    '2026-05-05T12:00:00Z',
    '2026-05-05T12:00:00.123456789Z',
    '2026-05-05T14:00:00+02:00',
    '2026-05-05T07:00:00-05:00',
    '2026-05-05t12:00:00z',
  ])('accepts the timestamp %s', (ts) => {
    expectCheckIn(set('data.checked_in_at', ts));
  });

  it('normalizes offsets to the same instant', () => {
    const r = expectCheckIn(set('data.checked_in_at', '2026-05-05T14:00:00+02:00'));
    if (r.verdict === 'checkin')
      expect(r.fields.checkedInAt).toBe(Date.parse('2026-05-05T12:00:00Z'));
  });

  it('accepts optional fields when present', () => {
    const r = expectCheckIn((e) => {
      e['data']['gate'] = 'North 3';
      e['data']['device_id'] = 'dev-17';
    });
    if (r.verdict === 'checkin')
      expect(r.fields).toMatchObject({ gate: 'North 3', deviceId: 'dev-17' });
  });

  it('accepts an event without the optional envelope attributes', () => {
    expectCheckIn((e) => {
      for (const k of ['time', 'subject', 'dataschema', 'datacontenttype', 'idempotency_key'])
        delete e[k];
    });
  });

  it('uses idempotency_key as the dedupe key, else the (source, id) pair', () => {
    const e = contractExample();
    e['idempotency_key'] = 'ik-1';
    expect(classify(JSON.stringify(e)).key).toBe('ik-1');
    e['idempotency_key'] = '';
    expect(classify(JSON.stringify(e)).key).toBe(JSON.stringify(['cope.ticketing', e['id']]));
    delete e['idempotency_key'];
    expect(classify(JSON.stringify(e)).key).toBe(JSON.stringify(['cope.ticketing', e['id']]));
  });

  it('keeps idempotency keys and (source, id) pair keys in separate spaces', () => {
    // Event A has no idempotency_key: its key is the pair. Event B's idempotency_key is that
    // exact text. They are different events and must not share a key.
    const a = contractExample();
    delete a['idempotency_key'];
    a['id'] = 'pair-1';
    const b = contractExample();
    b['id'] = 'other-id';
    b['idempotency_key'] = JSON.stringify(['cope.ticketing', 'pair-1']);
    const ka = classify(JSON.stringify(a)).key;
    const kb = classify(JSON.stringify(b)).key;
    expect(ka).toBe(JSON.stringify(['cope.ticketing', 'pair-1']));
    expect(kb).not.toBe(ka);
    expect(kb).toBe('\\' + JSON.stringify(['cope.ticketing', 'pair-1']));
    // An idempotency key that begins with a backslash is escaped too, so the escape is unique.
    b['idempotency_key'] = '\\x';
    expect(classify(JSON.stringify(b)).key).toBe('\\\\x');
    // Every ordinary key is stored as given.
    b['idempotency_key'] = 'ticketing.check_in.created:ci-1';
    expect(classify(JSON.stringify(b)).key).toBe('ticketing.check_in.created:ci-1');
  });

  it('no idempotency key ever equals a pair key, and distinct keys stay distinct (property)', () => {
    const text = fc.string({ minLength: 1, unit: 'binary' });
    const lead = fc.constantFrom('', '[', '\\', '["cope.ticketing","');
    const ik = fc.tuple(lead, fc.string({ unit: 'binary' })).map(([a, b]) => a + b);
    fc.assert(
      fc.property(ik, text, text, (k, source, id) => {
        expect(dedupeKey({ idempotency_key: k, source: 's', id: 'i' })).not.toBe(
          dedupeKey({ source, id }),
        );
        expect(dedupeKey({ idempotency_key: JSON.stringify([source, id]) })).not.toBe(
          dedupeKey({ source, id }),
        );
      }),
    );
    fc.assert(
      fc.property(ik, ik, (k1, k2) => {
        fc.pre(k1 !== k2 && k1.length > 0 && k2.length > 0);
        expect(dedupeKey({ idempotency_key: k1 })).not.toBe(dedupeKey({ idempotency_key: k2 }));
      }),
    );
  });

  it('fingerprints the payload: equal for a redelivery, different for a changed payload', () => {
    const a = classify(JSON.stringify(contractExample()));
    const reordered = contractExample();
    const data = reordered['data'];
    reordered['data'] = Object.fromEntries(Object.entries(data).reverse());
    reordered['sequence'] = '000000000042';
    const b = classify(JSON.stringify(reordered));
    const changed = contractExample();
    changed['data']['ticket_id'] = 'other';
    const c = classify(JSON.stringify(changed));
    if (a.verdict !== 'checkin' || b.verdict !== 'checkin' || c.verdict !== 'checkin')
      throw new Error('expected check-ins');
    expect(b.fields.fingerprint).toBe(a.fields.fingerprint);
    expect(b.sequence).toBe('000000000042');
    expect(c.fields.fingerprint).not.toBe(a.fields.fingerprint);
  });

  it('strips a leading byte-order mark', () => {
    const text = `\uFEFF${JSON.stringify(contractExample())}`;
    expect(classify(text).verdict).toBe('checkin');
    expect(classify(new TextEncoder().encode(text)).verdict).toBe('checkin');
  });
});

describe('classify: rejected check-ins', () => {
  it.each(REQUIRED_DATA)('requires data.%s', (field) => {
    expectRejected(del(`data.${field}`), 'required', `$.data.${field}`);
  });

  it.each(REQUIRED_ENVELOPE)('requires the envelope attribute %s', (field) => {
    expectRejected(del(field), 'required', `$.${field}`);
  });

  it.each(STRING_DATA)('requires data.%s to be a string', (field) => {
    expectRejected(set(`data.${field}`, 42), 'wrong_type', `$.data.${field}`);
    expectRejected(set(`data.${field}`, null), 'wrong_type', `$.data.${field}`);
  });

  it.each(['check_in_id', 'event_id', 'event_product_id', 'scanner_session_id', 'ticket_id'])(
    'refuses an empty data.%s',
    (field) => expectRejected(set(`data.${field}`, ''), 'empty', `$.data.${field}`),
  );

  it('refuses an identifier too long to index', () => {
    expectRejected(set('data.ticket_id', 'x'.repeat(129)), 'too_long', '$.data.ticket_id');
  });

  it.each(['id', 'source', 'type', 'specversion'])(
    'requires envelope %s to be a string',
    (field) => {
      expectRejected(set(field, 1), 'wrong_type', `$.${field}`);
    },
  );

  it.each([
    ['attendee', 'x'],
    ['attendee', null],
    ['attendee', []],
  ])('requires data.%s to be an object (%j)', (field, value) => {
    expectRejected(set(`data.${field}`, value), 'wrong_type', `$.data.${field}`);
  });

  it.each(['name', 'email'])('requires data.attendee.%s to be a string when present', (field) => {
    expectRejected(set(`data.attendee.${field}`, 5), 'wrong_type', `$.data.attendee.${field}`);
  });

  it('requires data to be an object', () => {
    expectRejected(set('data', 'text'), 'wrong_type', '$.data');
    expectRejected(set('data', [1]), 'wrong_type', '$.data');
  });

  it.each(TIMESTAMPS)('refuses a bad timestamp in %s', (path) => {
    for (const bad of [
      '2026-05-05T12:00:00', // no zone
      '2026-05-05 12:00:00Z', // space
      '2026-13-05T12:00:00Z', // month
      '2026-02-30T12:00:00Z', // day
      '2026-05-05T24:00:00Z', // hour
      '2026-05-05T12:00:00+25:00', // offset
      '1969-12-31T23:59:59Z', // before the indexable range
      '2100-01-01T00:00:00Z', // after it
      '0026-05-05T12:00:00Z', // year 26, not 1926
      '05/05/2026',
      '1777982400000',
      '',
    ]) {
      expectRejected(set(path, bad), 'invalid_timestamp', `$.${path}`);
    }
    expectRejected(set(path, 1777982400000), 'wrong_type', `$.${path}`);
  });

  it('refuses a mismatched data.event_type', () => {
    expectRejected(
      set('data.event_type', 'ticketing.check_in.deleted'),
      'event_type_mismatch',
      '$.data.event_type',
    );
  });

  it.each(['2.0', '3.1', '10.0'])('quarantines schema_version %s as an unsupported major', (v) => {
    expectRejected(set('data.schema_version', v), 'unsupported_major', '$.data.schema_version');
  });

  it.each(['1', 'v1.0', '', 'latest', 1])('refuses the malformed schema_version %j', (v) => {
    const code = typeof v === 'number' ? 'wrong_type' : 'wrong_value';
    expectRejected(set('data.schema_version', v), code, '$.data.schema_version');
  });

  it('quarantines dataschema /v2 as an unsupported major, and refuses a foreign dataschema', () => {
    expectRejected(
      set('dataschema', 'https://schemas.cope.com/events/ticketing.check_in.created/v2'),
      'unsupported_major',
      '$.dataschema',
    );
    expectRejected(set('dataschema', 'https://example.com/x'), 'wrong_value', '$.dataschema');
  });

  it('requires specversion 1.0', () => {
    expectRejected(set('specversion', '0.3'), 'unsupported_specversion', '$.specversion');
  });

  it('requires the cope.ticketing source', () => {
    expectRejected(set('source', 'elsewhere'), 'wrong_value', '$.source');
  });

  it('requires the subject pattern check_in:<identifier>', () => {
    expectRejected(set('subject', 'ticket:1'), 'wrong_value', '$.subject');
    expectRejected(set('subject', 'check_in:'), 'wrong_value', '$.subject');
  });

  it('requires JSON data content', () => {
    expectRejected(set('datacontenttype', 'text/plain'), 'wrong_value', '$.datacontenttype');
    expectCheckIn(set('datacontenttype', 'application/json; charset=utf-8'));
  });

  it('reports every problem, not just the first', () => {
    const e = contractExample();
    delete e['data']['ticket_id'];
    e['data']['occurred_at'] = 'yesterday';
    e['data']['schema_version'] = '2.0';
    e['specversion'] = '0.3';
    const r = classify(JSON.stringify(e));
    if (r.verdict !== 'rejected') throw new Error('expected rejected');
    expect(r.reasons.map((x) => x.path).sort()).toEqual(
      ['$.data.occurred_at', '$.data.schema_version', '$.data.ticket_id', '$.specversion'].sort(),
    );
    expect(r.key).toBe('ticketing.check_in.created:example');
  });
});

describe('classify: other event types', () => {
  it('skips a well-formed CloudEvent of another type', () => {
    const e = {
      specversion: '1.0',
      id: 'x1',
      source: 'cope.ticketing',
      type: 'ticketing.order.created',
      data: { a: 1 },
    };
    const r = classify(JSON.stringify(e));
    expect(r).toMatchObject({ verdict: 'skipped', type: 'ticketing.order.created' });
  });

  it('rejects a malformed CloudEvent of another type', () => {
    const r = classify(JSON.stringify({ specversion: '1.0', type: 'other', source: 's' }));
    expect(r.verdict).toBe('rejected');
    if (r.verdict === 'rejected')
      expect(r.reasons).toContainEqual(expect.objectContaining({ code: 'required', path: '$.id' }));
  });
});

describe('classify: hostile input', () => {
  it.each([
    ['not JSON', 'hello', 'not_json'],
    ['truncated JSON', '{"a":', 'not_json'],
    ['empty', '', 'not_json'],
    ['an array', '[1,2]', 'not_object'],
    ['null', 'null', 'not_object'],
    ['a number', '42', 'not_object'],
    ['a string', '"x"', 'not_object'],
  ])('%s', (_name, input, code) => {
    const r = classify(input);
    expect(r.verdict).toBe('rejected');
    if (r.verdict === 'rejected') {
      expect(r.reasons[0]!.code).toBe(code);
      expect(r.text).toBe(input);
    }
  });

  it('refuses an oversized message but keeps its first bytes and its size', () => {
    const big = JSON.stringify({ ...contractExample(), pad: 'x'.repeat(100_000) });
    const r = classify(big);
    expect(r.verdict).toBe('rejected');
    if (r.verdict !== 'rejected') return;
    expect(r.reasons[0]!.code).toBe('too_large');
    expect(r.size).toBe(big.length);
    expect(r.truncated).toBe(true);
    expect(big.startsWith(r.text)).toBe(true);
    expect(classify(new TextEncoder().encode(big)).verdict).toBe('rejected');
  });

  it('refuses deep nesting without recursion trouble', () => {
    const deep = `{"data":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const r = classify(deep);
    expect(r.verdict).toBe('rejected');
    if (r.verdict === 'rejected') expect(r.reasons[0]!.code).toBe('too_deep');
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses the key %s anywhere and pollutes nothing',
    (key) => {
      const e = contractExample();
      const text = JSON.stringify(e).replace(
        '"attendee":{',
        `"attendee":{"${key}":{"polluted":true},`,
      );
      const r = classify(text);
      expect(r.verdict).toBe('rejected');
      if (r.verdict === 'rejected') {
        expect(r.reasons).toContainEqual(
          expect.objectContaining({ code: 'forbidden_key', path: `$.data.attendee.${key}` }),
        );
      }
      expect(({} as any).polluted).toBeUndefined();
    },
  );

  it('reports every reason next to a forbidden key (a missing ticket_id beside __proto__)', () => {
    const e = contractExample();
    delete e['data']['ticket_id'];
    e['data']['schema_version'] = '2.0';
    const text = JSON.stringify(e).replace('"data":{', '"data":{"__proto__":{"x":1},');
    const r = classify(text);
    expect(r.verdict).toBe('rejected');
    if (r.verdict !== 'rejected') return;
    expect(r.reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'forbidden_key', path: '$.data.__proto__' }),
        expect.objectContaining({ code: 'required', path: '$.data.ticket_id' }),
        expect.objectContaining({ code: 'unsupported_major', path: '$.data.schema_version' }),
      ]),
    );
    // The forbidden key is reported first: it is the reason an operator most needs to see.
    expect(r.reasons[0]!.code).toBe('forbidden_key');
    expect(r.key).toBe(classify(JSON.stringify(contractExample())).key);
  });

  it('a forbidden key in an otherwise valid event of another type is still rejected', () => {
    const other = { specversion: '1.0', id: 'o1', source: 's', type: 'other.type' };
    const r = classify(JSON.stringify(other).replace('{', '{"constructor":1,'));
    expect(r.verdict).toBe('rejected');
    if (r.verdict === 'rejected') expect(r.reasons.map((x) => x.code)).toEqual(['forbidden_key']);
  });

  it('reports invalid UTF-8 and keeps a readable copy', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(contractExample()));
    const broken = new Uint8Array([...bytes.subarray(0, 20), 0xc3, 0x28, ...bytes.subarray(20)]);
    const r = classify(broken);
    expect(r.verdict).toBe('rejected');
    if (r.verdict === 'rejected') {
      expect(r.reasons[0]!.code).toBe('invalid_utf8');
      expect(r.text.length).toBeGreaterThan(100);
    }
  });
});

describe('parseRfc3339', () => {
  it('reads years below 100 as written', async () => {
    const { parseRfc3339 } = await import('../../../../shared/contract');
    expect(new Date(parseRfc3339('0026-05-05T12:00:00Z')!).getUTCFullYear()).toBe(26);
    expect(parseRfc3339('2024-02-29T00:00:00Z')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(parseRfc3339('2023-02-29T00:00:00Z')).toBeNull();
  });
});
