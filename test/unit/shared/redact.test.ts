import { describe, expect, it } from 'vitest';
import { redactError, redactSecrets, redactUrl } from '../../../shared/redact';

describe('redaction', () => {
  it('removes known secrets and bearer-looking values', () => {
    const token = 'tok_9f8e7d6c';
    const text = `connect wss://r.example/ws?after=5&token=${token} failed; headers {"Authorization":"Bearer ${token}"} authorization=abc123 and ${token}`;
    const out = redactSecrets(text, [token]);
    expect(out).not.toContain(token);
    expect(out).not.toContain('abc123');
    expect(out).toContain('after=5');
    expect(out).toContain('wss://r.example/ws?');
    expect(out).toContain('[redacted]');
  });

  it('leaves ordinary text and very short secrets alone', () => {
    expect(redactSecrets('relay closed (1006)', ['a', null, undefined])).toBe(
      'relay closed (1006)',
    );
  });

  it('redacts both message and stack of an error', () => {
    const e = new TypeError('bad header Bearer abcdefgh');
    const clean = redactError(e, ['abcdefgh']);
    expect(clean.name).toBe('TypeError');
    expect(clean.message).not.toContain('abcdefgh');
    expect(clean.stack ?? '').not.toContain('abcdefgh');
  });
});

describe('redactUrl', () => {
  it('drops user info and every query value, keeps what says where the relay is', () => {
    const shown = redactUrl(
      'ws://alice:hunter2@relay.example:8443/events?access_token=Q&venue=A#frag',
    );
    expect(shown).toBe(
      'ws://[redacted]@relay.example:8443/events?access_token=[redacted]&venue=[redacted]',
    );
    for (const secret of ['alice', 'hunter2', 'Q', 'frag']) expect(shown).not.toContain(secret);
    expect(redactUrl('wss://relay.example/events')).toBe('wss://relay.example/events');
    expect(redactUrl('wss://relay.example/events?after=000000000012')).toBe(
      'wss://relay.example/events?after=000000000012',
    );
    expect(redactUrl('not a url')).toBe('(invalid URL)');
  });

  it('redacts URLs inside free text (an error quoting the request)', () => {
    const out = redactSecrets(
      'Unexpected server response: 400 for ws://alice:hunter2@relay.example/events?access_token=Q&after=7',
    );
    expect(out).not.toMatch(/alice|hunter2|=Q/);
    expect(out).toContain('after=7');
  });
});
