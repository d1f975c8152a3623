import { describe, expect, it } from 'vitest';
import {
  isSameRelay,
  relayIdentity,
  relayIdentityAsync,
} from '../../../../electron/ingest/relay-identity';

describe('relay identity', () => {
  it('is the same digested on the thread pool as on the main thread', async () => {
    // Two spellings with one identity (a rotated token), so neither call reads the other's memo.
    const a = 'wss://relay.test/events?venue=A&access_token=one';
    const b = 'wss://relay.test/events?venue=A&access_token=two';
    const async = await relayIdentityAsync(a);
    expect(relayIdentity(b)).toBe(async);
    expect(async).not.toContain('one');
    expect(isSameRelay(async, b)).toBe(true);
    expect(await relayIdentityAsync('wss://relay.test/events?venue=B')).not.toBe(async);
  });
});
