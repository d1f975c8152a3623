import { describe, expect, it } from 'vitest';
import { redactError, redactSecrets } from '../../../../electron/settings';

describe('redaction', () => {
  it('removes known secrets and bearer-looking values', () => {
    const token = 'tok_9f8e7d6c';
    const text = `connect wss://r.example/ws?after=5&token=${token} failed; headers {"Authorization":"Bearer ${token}"} authorization=abc123 and ${token}`;
    const out = redactSecrets(text, [token]);
    expect(out).not.toContain(token);
    expect(out).not.toContain('abc123');
    expect(out).toContain('after=5');
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
