import { describe, expect, it } from 'vitest';
import {
  apiMethods,
  channels,
  relayTokenSchema,
  settingsPatchSchema,
  settingsViewSchema,
} from '../../../../../shared/api';

describe('settings channels', () => {
  it('a patch keeps absent fields absent (no defaults creep in)', () => {
    expect(settingsPatchSchema.parse({ thresholds: { deviceIdleMinutes: 7 } })).toEqual({
      thresholds: { deviceIdleMinutes: 7 },
    });
    expect(settingsPatchSchema.parse({})).toEqual({});
    expect(settingsPatchSchema.parse({ relayUrl: null })).toEqual({ relayUrl: null });
  });

  it('a patch is held to the same bounds as the settings schema', () => {
    expect(settingsPatchSchema.safeParse({ thresholds: { deviceIdleMinutes: 0 } }).success).toBe(
      false,
    );
    expect(settingsPatchSchema.safeParse({ relayUrl: 'http://x' }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ display: { theme: 'neon' } }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ extra: 1 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ thresholds: { nope: 1 } }).success).toBe(false);
  });

  it('a token must be header-safe and its value never appears in the error', () => {
    for (const bad of ['', 'has space', 'line\nbreak', 'é', 'x'.repeat(4097)]) {
      const r = relayTokenSchema.safeParse(bad);
      expect(r.success).toBe(false);
      if (!r.success && bad.length > 0) expect(JSON.stringify(r.error.issues)).not.toContain(bad);
    }
    expect(relayTokenSchema.parse('abc.DEF-123_~')).toBe('abc.DEF-123_~');
  });

  it('the view never carries a token value', () => {
    const keys = Object.keys(settingsViewSchema.shape.relayToken.shape).sort();
    expect(keys).toEqual(['canChange', 'isSet', 'note', 'source']);
  });

  it('every settings method maps to a settings channel of the right kind', () => {
    const own = Object.entries(apiMethods).filter(([, m]) => m.channel.startsWith('settings:'));
    expect(own.map(([name]) => name).sort()).toEqual([
      'clearNatsSecret',
      'clearRelayToken',
      'getSettings',
      'importExpectedTickets',
      'onSettingsChanged',
      'setNatsSecret',
      'setRelayToken',
      'updateSettings',
    ]);
    for (const [, m] of own) expect(channels[m.channel].kind).toBe(m.kind);
  });
});

describe('display time zone in a patch', () => {
  it('refuses a name that is not a zone, with a message; takes IANA names, venue and local', () => {
    const bad = settingsPatchSchema.safeParse({ display: { timezone: 'Berlin' } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain('Europe/Berlin');
    for (const ok of ['Europe/Berlin', 'venue', 'local', 'UTC', 'Asia/Kolkata']) {
      expect(settingsPatchSchema.safeParse({ display: { timezone: ok } }).success).toBe(true);
    }
  });
});
