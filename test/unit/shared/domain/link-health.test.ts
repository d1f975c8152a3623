import { describe, expect, it } from 'vitest';
import { linkHealth, type HealthInput } from '../../../../shared/domain/link-health';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';

const T0 = Date.UTC(2026, 4, 5, 12, 0, 0);
const MIN = 60_000;
const totals = { redelivered: 3, conflicts: 6, quarantined: 2 };

function input(over: Partial<HealthInput> = {}): HealthInput {
  return {
    relay: { state: 'live', demo: false, url: 'ws://r', liveSince: T0 },
    lastStoredAt: T0 + MIN,
    lastMessageAt: T0 + MIN,
    totals,
    messages: 1000,
    samples: [{ ...totals, messages: 900 }],
    catchUp: null,
    now: T0 + 2 * MIN,
    thresholds: DEFAULT_SETTINGS.thresholds,
    ...over,
  };
}

describe('link health', () => {
  it('is green while check-ins keep being stored', () => {
    expect(linkHealth(input())).toMatchObject({ tone: 'good', reasons: [] });
  });

  it('turns amber when connected but nothing new is stored past the quiet time, and says why', () => {
    const quiet = DEFAULT_SETTINGS.thresholds.quietMinutes;
    const h = linkHealth(
      input({ now: T0 + MIN + (quiet + 2) * MIN, lastMessageAt: T0 + (quiet + 2) * MIN }),
    );
    expect(h.tone).toBe('warn');
    expect(h.reasons).toEqual([
      {
        code: 'quiet',
        text: `Nothing new stored for ${quiet + 2} min (quiet time ${quiet} min): messages still arrive, but all were redeliveries, conflicts or rejected`,
      },
    ]);
    // Never stored anything since connecting.
    const never = linkHealth(
      input({ lastStoredAt: null, lastMessageAt: null, now: T0 + (quiet + 1) * MIN }),
    );
    expect(never.reasons[0]!.text).toBe(
      `Connected ${quiet + 1} min, nothing new stored (quiet time ${quiet} min)`,
    );
    const short = linkHealth(
      input({
        thresholds: { ...DEFAULT_SETTINGS.thresholds, quietMinutes: 0.25 },
        now: T0 + MIN + 40_000,
      }),
    );
    expect(short.reasons[0]!.text).toBe('Nothing new stored for 40 s (quiet time 15 s)');
    // Not live: the banner says so itself; no quiet reason.
    expect(
      linkHealth(
        input({ relay: { state: 'reconnecting', demo: false, url: null }, now: T0 + 60 * MIN }),
      ).reasons,
    ).toEqual([]);
  });

  it('turns amber when conflicts jump, not for a normal share of a big backlog', () => {
    const jump = linkHealth(input({ totals: { ...totals, conflicts: 157 } }));
    expect(jump.reasons).toEqual([
      { code: 'conflicts-jump', text: 'Conflicts rose from 6 to 157 in 5 min' },
    ]);
    const backlog = linkHealth(
      input({
        totals: { ...totals, quarantined: 18 },
        messages: 3000,
        samples: [{ ...totals, messages: 0 }],
      }),
    );
    expect(backlog.tone).toBe('good');
    // The same twelve, right after that backlog: a later sample sees them as a jump.
    const after = linkHealth(
      input({
        totals: { ...totals, quarantined: 30 },
        messages: 3014,
        samples: [
          { ...totals, messages: 0 },
          { ...totals, quarantined: 18, messages: 3000 },
        ],
      }),
    );
    expect(after.reasons).toEqual([
      { code: 'quarantine-jump', text: 'Quarantined messages rose from 18 to 30 in 5 min' },
    ]);
  });

  it('puts reasons found elsewhere first, red when they say data is lost', () => {
    const h = linkHealth(
      input({ extra: [{ code: 'store', text: 'Cannot save: disk full', bad: true }] }),
    );
    expect(h).toMatchObject({
      tone: 'bad',
      reasons: [{ code: 'store', text: 'Cannot save: disk full' }],
    });
  });
});
