import { describe, expect, it } from 'vitest';
import { natsInputFromArgs } from '../../../../../electron/sync/nats/nats-cli-options';
import {
  buildNatsSyncConfig,
  parseServerUrls,
} from '../../../../../electron/sync/nats/nats-config';
import { describeVenues } from '../../../../../electron/sync/nats/nats-status-view';
import { connectionOptions, describeNatsError } from '../../../../../electron/sync/nats/nats-link';
import {
  collectionFilter,
  decodeDocId,
  docSubject,
  encodeDocId,
  parseDocSubject,
  venueStreamName,
} from '../../../../../electron/sync/nats/venue-naming';

describe('NATS naming', () => {
  it('derives the stream and subjects from the venue id, case-insensitively', () => {
    expect(venueStreamName('North-Stadium')).toBe('GATEOPS_NORTH_STADIUM');
    expect(docSubject('North-Stadium', 'checkins', 'AbC_-09')).toBe(
      'gateops.north-stadium.checkins.AbC_-09',
    );
    expect(collectionFilter('*', 'notes')).toBe('gateops.*.notes.>');
    expect(() => venueStreamName('north stadium')).toThrow(/letters, digits/);
    expect(() => venueStreamName('a.b')).toThrow();
    expect(() => venueStreamName('>')).toThrow();
  });

  it('carries any id in one subject token and reads it back', () => {
    for (const id of ['plain_ID-1', '["cope.ticketing","id 1"]', 'a.b.c', '*', '>', 'é ü', '~x']) {
      const token = encodeDocId(id);
      expect(token).toMatch(/^[~A-Za-z0-9_-]+$/);
      expect(decodeDocId(token)).toBe(id);
      expect(parseDocSubject(docSubject('v', 'checkins', id))).toEqual({
        venue: 'v',
        collection: 'checkins',
        docId: id,
      });
    }
    expect(parseDocSubject('gateops.v.checkins')).toBeNull();
    expect(parseDocSubject('other.v.checkins.x')).toBeNull();
    expect(parseDocSubject('gateops.v.checkins.a.b')).toBeNull();
  });
});

describe('NATS configuration', () => {
  it('takes several servers and refuses credentials in a URL', () => {
    expect(parseServerUrls('nats://a:4222, tls://b:4223,c:4224')).toEqual([
      'nats://a:4222',
      'tls://b:4223',
      'nats://c:4224',
    ]);
    expect(() => parseServerUrls('nats://user:secret@a:4222')).toThrow(
      /do not put credentials in the NATS URL/,
    );
    expect(() => parseServerUrls('ws://a:80')).toThrow(/nats:\/\/ or tls:\/\//);
    expect(() => parseServerUrls(' , ')).toThrow(/needs a server URL/);
  });

  it('needs exactly one of venue and central, and one way to authenticate', () => {
    expect(() => buildNatsSyncConfig({ url: 'nats://a' })).toThrow(/--sync-nats-venue/);
    expect(() => buildNatsSyncConfig({ url: 'nats://a', venue: 'v', central: ['w'] })).toThrow(
      /either/,
    );
    expect(() =>
      buildNatsSyncConfig({ url: 'nats://a', venue: 'v', user: 'u', credsFile: '/c' }),
    ).toThrow(/choose one/);
    expect(() => buildNatsSyncConfig({ url: 'nats://a', venue: 'v', passwordFile: '/p' })).toThrow(
      /needs --sync-nats-user/,
    );
    expect(() => buildNatsSyncConfig({ url: 'nats://a', venue: 'v', replicas: 7 })).toThrow(
      /1 to 5/,
    );
    expect(buildNatsSyncConfig({ url: 'nats://a', central: ['v1', 'v2'] })).toMatchObject({
      role: 'central',
      venues: ['v1', 'v2'],
    });
    expect(
      buildNatsSyncConfig({ url: 'nats://a', venue: 'v', user: 'u', passwordFile: '/p' }).auth,
    ).toEqual({
      kind: 'user',
      user: 'u',
      passwordFile: '/p',
    });
  });

  it('turns on TLS for tls:// servers or a CA file', () => {
    const plain = buildNatsSyncConfig({ url: 'nats://a', venue: 'v' });
    expect(connectionOptions(plain, { kind: 'none' }, 'x').tls).toBeUndefined();
    const ca = buildNatsSyncConfig({ url: 'nats://a', venue: 'v', caFile: '/ca.pem' });
    expect(connectionOptions(ca, { kind: 'none' }, 'x').tls).toEqual({ caFile: '/ca.pem' });
    const tls = buildNatsSyncConfig({ url: 'tls://a', venue: 'v' });
    expect(connectionOptions(tls, { kind: 'none' }, 'x').tls).toEqual({});
  });

  it('reads the command line and refuses --sync-nats-… without --sync-nats', () => {
    expect(natsInputFromArgs({}, '/w')).toBeNull();
    expect(() => natsInputFromArgs({ 'sync-nats-venue': 'v' }, '/w')).toThrow(
      /needs --sync-nats URL/,
    );
    expect(
      natsInputFromArgs(
        {
          'sync-nats': 'nats://a',
          'sync-nats-central': 'a, b',
          'sync-nats-ca': 'ca.pem',
          'sync-nats-replicas': '3',
        },
        '/w',
      ),
    ).toMatchObject({ url: 'nats://a', central: ['a', 'b'], caFile: '/w/ca.pem', replicas: 3 });
  });

  it('describes a refusal as one, never with the secret', () => {
    expect(
      describeNatsError(
        Object.assign(new Error('Authorization Violation'), { name: 'AuthorizationError' }),
      ),
    ).toEqual({
      refused: true,
      reason: 'the NATS server refused the credentials (Authorization Violation)',
    });
    expect(describeNatsError(new Error('connect ECONNREFUSED 127.0.0.1:4222')).refused).toBe(false);
  });
});

describe('NATS status lines', () => {
  it('states each venue’s freshness', () => {
    const line = describeVenues(
      {
        role: 'central',
        venues: ['a', 'b'],
        stream: 'GATEOPS_CENTRAL',
        link: { state: 'connected', server: 'x', since: 0 },
        collections: {},
        venuesSeen: [
          { venue: 'a', asOf: Date.UTC(2026, 4, 5, 18), laptops: [] },
          { venue: 'b', asOf: null, laptops: [] },
        ],
      },
      Date.UTC(2026, 4, 5, 18, 3),
    );
    expect(line).toBe(
      'NATS sync venues: a: as of 2026-05-05T18:00:00.000Z (180 s ago, 0 laptops); b: nothing heard yet',
    );
  });
});
