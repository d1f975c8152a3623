/**
 * Conflict documents v1: the id derived from the conflict (one document venue-wide), the hub's
 * validation of a conflict a peer sends, the v0 → v1 strategy (duplicates merged, crash-safe),
 * and the conflict recorded when venue sync replaces a check-in with the hub's version.
 */
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { classify, type CheckInVerdict } from '../../../../shared/contract';
import {
  checkInDoc,
  checkInDocId,
  conflictDoc,
  conflictDocId,
  conflictDocProblem,
  LocalConflicts,
  type ConflictDoc,
} from '../../../../electron/db';
import { migrateConflictV0 } from '../../../../electron/db/migrations/conflicts-v1';
import type { ConflictDocV0 } from '../../../../electron/db/migrations/conflicts-v0';
import { validatePushedDocument } from '../../../../electron/sync/sync-collections';
import { resolvedConflictDoc } from '../../../../electron/sync/resolved-conflicts';
import { checkInEvent } from '../../../helpers/sync';

function verdict(text: string): CheckInVerdict {
  const v = classify(text);
  if (v.verdict !== 'checkin') throw new Error('not a check-in');
  return v;
}

/** A stored check-in (event n) and a conflicting payload for its key (another gate). */
function pair(n: number, sequence = '000000000009') {
  const stored = verdict(checkInEvent(n));
  const other = verdict(checkInEvent(n, { gate: `Moved ${n}`, sequence }));
  const doc = conflictDoc(
    other.key,
    stored.fields.fingerprint,
    other.fields.fingerprint,
    other.event,
  );
  return { stored, other, doc };
}

const pushed = (doc: object) => validatePushedDocument('conflicts', { ...doc, _deleted: false });

describe('conflict document id', () => {
  it('is the same for the same conflict whatever the relay stamp, and differs otherwise', () => {
    const a = pair(1, '000000000007').doc;
    const b = pair(1, '000000000123').doc;
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.text).not.toContain('sequence');
    expect(a.checkinId).toBe(checkInDocId(a.key));
    const ids = new Set([
      a.id,
      conflictDocId(a.key, a.fingerprint, a.storedFingerprint),
      conflictDocId(a.key + 'x', a.storedFingerprint, a.fingerprint),
      conflictDocId(a.key, a.storedFingerprint, a.fingerprint + 'x'),
      conflictDocId(a.key, a.storedFingerprint + 'x', a.fingerprint),
      pair(2).doc.id,
      // The check-in id of the same key is another space.
      checkInDocId(a.key),
    ]);
    expect(ids.size).toBe(7);
  });

  it('is what the losing laptop records when the hub keeps its own version', () => {
    const { stored, other, doc } = pair(3);
    // The hub holds `stored`; this laptop had `other` for the key and lost it to the hub's.
    const kept = checkInDoc(stored.key, stored.fields, stored.event);
    const lost = checkInDoc(other.key, other.fields, other.event);
    expect(resolvedConflictDoc(lost, kept)).toEqual(doc);
    // The same payload (an envelope difference only) is no conflict.
    expect(resolvedConflictDoc(kept, kept)).toBeNull();
  });
});

describe('validation of a conflict a peer sends', () => {
  const { doc } = pair(4);

  it('accepts a conflict as any laptop builds it', () => {
    expect(conflictDocProblem(doc)).toBeNull();
    expect(pushed(doc)).toEqual({ ok: true, doc });
  });

  it.each<[string, (d: ConflictDoc) => object, RegExp]>([
    ['an id not derived from it', (d) => ({ ...d, id: checkInDocId('x') }), /id is not derived/],
    ['a local v0 id', (d) => ({ ...d, id: 'c000000000000004' }), /id/],
    ['another check-in', (d) => ({ ...d, checkinId: checkInDocId('x') }), /checkinId/],
    [
      'equal payloads',
      (d) => ({ ...d, fingerprint: d.storedFingerprint }),
      /the two payloads are the same/,
    ],
    [
      'a text with the relay stamp',
      (d) => ({ ...d, text: JSON.stringify({ ...JSON.parse(d.text), sequence: '1' }) }),
      /sequence stamp/,
    ],
    [
      'a text in another spelling',
      (d) => ({ ...d, text: JSON.stringify(JSON.parse(d.text), null, 1) }),
      /canonical spelling/,
    ],
    [
      'a text of another key',
      (d) => ({ ...d, text: pair(5).doc.text }),
      /key does not match|fingerprint does not match/,
    ],
    [
      'a fingerprint the text does not have',
      (d) => {
        const fingerprint = 'zzzz';
        return { ...d, fingerprint, id: conflictDocId(d.key, d.storedFingerprint, fingerprint) };
      },
      /fingerprint does not match/,
    ],
    ['a text that is no check-in', (d) => ({ ...d, text: '{"a":1}' }), /not a valid check-in/],
    ['an unknown field', (d) => ({ ...d, ingestSeq: 4 }), /ingestSeq|unrecognized|Unrecognized/],
    ['a missing field', ({ text: _t, ...d }) => d, /text/],
    ['a text past the bound', (d) => ({ ...d, text: 'x'.repeat(70_000) }), /text/],
  ])('refuses %s', (_what, change, reason) => {
    const r = pushed(change(doc));
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(reason);
  });

  it('refuses a deletion (append-only)', () => {
    const r = validatePushedDocument('conflicts', { ...doc, _deleted: true });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/append-only/) });
  });
});

describe('conflicts v0 → v1 strategy', () => {
  function v0(n: number, seq: number, sequence: string): ConflictDocV0 {
    const stored = verdict(checkInEvent(n));
    const text = checkInEvent(n, { gate: `Moved ${n}`, sequence });
    const other = verdict(text);
    return {
      id: `c${String(seq).padStart(15, '0')}`,
      ingestSeq: seq,
      receivedAt: 1_000 + seq,
      key: other.key,
      checkinId: checkInDocId(other.key),
      storedFingerprint: stored.fields.fingerprint,
      fingerprint: other.fields.fingerprint,
      text,
      sequence,
    };
  }

  it('merges two v0 documents of one conflict, keeps the earliest arrival, survives a rerun', () => {
    const sql = new DatabaseSync(':memory:');
    const local = new LocalConflicts(sql);
    const first = v0(1, 7, '000000000007');
    const again = v0(1, 5, '000000000005');
    const other = v0(2, 6, '000000000006');
    const migrate = migrateConflictV0(local);
    const a = migrate(first)!;
    expect(a).toEqual(pair(1).doc);
    expect(migrate(again)).toBeNull();
    expect(migrate(other)!.id).toBe(pair(2).doc.id);
    // The earliest delivery of the merged conflict keeps its facts.
    expect(local.get([a.id]).get(a.id)).toEqual({
      id: a.id,
      seq: 5,
      receivedAt: 1_005,
      relaySeq: '000000000005',
      origin: 'relay',
    });
    // A killed run resumed: the same v0 document again still migrates; its duplicate does not.
    const resumed = migrateConflictV0(local);
    expect(resumed(first)).toEqual(a);
    expect(resumed(again)).toBeNull();
    expect(local.count()).toBe(2);
    sql.close();
  });

  it('keeps the text of a v0 conflict that no longer reads as a check-in', () => {
    const local = new LocalConflicts(new DatabaseSync(':memory:'));
    const odd = { ...v0(3, 4, '000000000004'), text: 'not json' };
    const doc = migrateConflictV0(local)(odd)!;
    expect(doc.text).toBe('not json');
    expect(doc.id).toBe(conflictDocId(odd.key, odd.storedFingerprint, odd.fingerprint));
  });
});

describe('local facts of conflicts', () => {
  it('numbers arrivals upwards whatever the source, and keeps the first facts of an id', () => {
    const local = new LocalConflicts(new DatabaseSync(':memory:'));
    const rows = local.record([
      { id: 'a', seq: 10, receivedAt: 1, relaySeq: '10', origin: 'relay' },
      { id: 'b', receivedAt: 2, relaySeq: null, origin: 'peer' },
      { id: 'c', seq: 4, receivedAt: 3, relaySeq: '4', origin: 'relay' },
    ]);
    expect(rows.map((r) => [r.id, r.seq])).toEqual([
      ['a', 10],
      ['b', 11],
      ['c', 12],
    ]);
    expect(local.record([{ id: 'b', receivedAt: 9, relaySeq: null, origin: 'resolved' }])).toEqual(
      [],
    );
    expect(local.page(0, 2).map((r) => r.id)).toEqual(['c', 'b']);
    expect(local.after(10)).toMatchObject({ count: 2, first: { id: 'b', origin: 'peer' } });
  });
});
