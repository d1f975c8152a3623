import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CursorRule } from '../../../../electron/ingest/cursor-rule';

const seq = (n: number) => String(n).padStart(12, '0');

describe('CursorRule', () => {
  it('moves the cursor to a stamp once a later one sorts after it', () => {
    const rule = new CursorRule({ cursor: null, latest: null });
    expect(rule.observe(seq(1))).toMatchObject({ cursor: null, latest: seq(1), outOfOrder: false });
    expect(rule.observe(seq(2))).toMatchObject({
      cursor: seq(1),
      latest: seq(2),
      outOfOrder: false,
    });
    expect(rule.observe(null)).toMatchObject({ cursor: seq(1), latest: seq(2), outOfOrder: false });
    expect(rule.observe(seq(3)).cursor).toBe(seq(2));
  });

  it('never lets a bogus stamp that sorts after the stream become the cursor', () => {
    const rule = new CursorRule({ cursor: seq(122), latest: null });
    rule.observe(seq(123));
    rule.observe('zzzz-bogus');
    expect(rule.observe(seq(124))).toMatchObject({
      cursor: seq(123),
      latest: seq(124),
      outOfOrder: true,
    });
    for (let n = 125; n <= 155; n++) expect(rule.observe(seq(n)).outOfOrder).toBe(false);
    expect(rule.state.cursor).toBe(seq(154));
    expect(rule.resume()).toBe(seq(154));
  });

  it('keeps the cursor on a stamp below it, and flags it', () => {
    const rule = new CursorRule({ cursor: seq(50), latest: seq(51) });
    expect(rule.observe('0000-bogus')).toMatchObject({
      cursor: seq(50),
      latest: seq(51),
      outOfOrder: true,
    });
  });

  it('after a reconnect, the pending stamp sent again is neither out of order nor a move', () => {
    const rule = new CursorRule({ cursor: seq(9), latest: seq(10) });
    expect(rule.resume()).toBe(seq(9));
    expect(rule.observe(seq(10))).toMatchObject({
      cursor: seq(9),
      latest: seq(10),
      outOfOrder: false,
    });
    expect(rule.observe(seq(11)).cursor).toBe(seq(10));
  });

  it('places a message without a stamp after the last stamp, so a replay lands on the same place', () => {
    const rule = new CursorRule({ cursor: seq(4), latest: null });
    rule.resume();
    const first = [
      rule.observe(null),
      rule.observe(seq(5)),
      rule.observe(null),
      rule.observe(null),
    ];
    expect(first.map((o) => o.position)).toEqual([
      `${seq(4)}#1`,
      null,
      `${seq(5)}#1`,
      `${seq(5)}#2`,
    ]);
    // The relay resumes after the cursor (still 4: 5 is not confirmed) and sends them again.
    expect(rule.resume()).toBe(seq(4));
    const again = [
      rule.observe(null),
      rule.observe(seq(5)),
      rule.observe(null),
      rule.observe(null),
    ];
    expect(again.map((o) => o.position)).toEqual(first.map((o) => o.position));
  });

  it('the cursor always lies before a stamp still to come: resuming never skips a message (property)', () => {
    // A stream of increasing stamps with bogus ones mixed in: whatever the bogus values, every
    // real stamp after the cursor is still to be sent by a relay resuming after it.
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(null), fc.string({ maxLength: 14 })), { maxLength: 60 }),
        fc.integer({ min: 1, max: 80 }),
        (noise, length) => {
          const rule = new CursorRule({ cursor: null, latest: null });
          let n = 0;
          for (let i = 0; i < length; i++) {
            const bogus = noise[i % Math.max(1, noise.length)];
            if (i % 3 === 2 && bogus !== undefined && bogus !== null) rule.observe(bogus);
            rule.observe(seq(++n));
            const cursor = rule.state.cursor;
            // Strictly before the newest real stamp: a relay resuming after the cursor sends it
            // (and everything after it) again; nothing real is ever skipped.
            expect(cursor === null || cursor < seq(n)).toBe(true);
          }
        },
      ),
    );
  });
});
