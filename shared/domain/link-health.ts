/**
 * Honest status: whether the picture on screen may be incomplete although the link says "live".
 * Pure: given the relay status, when a check-in was last stored, the conflict and quarantine
 * counts now and a few minutes ago, and `now`, it says amber (and why) or green.
 */
import type { RelayStatus } from '../api/channels/relay';
import type { Health, HealthReasonCode } from '../api/channels/status';
import type { Thresholds } from '../settings';

/**
 * A jump: at least JUMP_COUNT more conflicts (or quarantined messages) within JUMP_WINDOW_MIN
 * minutes, and at least JUMP_SHARE of the messages committed meanwhile. The share keeps a
 * backlog caught up at start (thousands of messages, a normal handful of bad ones) from
 * reading as a jump.
 */
export const JUMP_COUNT = 10;
export const JUMP_SHARE = 0.05;
export const JUMP_WINDOW_MIN = 5;

export interface HealthInput {
  readonly relay: RelayStatus;
  readonly lastStoredAt: number | null;
  /** When the last message of any kind was committed (redeliveries and conflicts included). */
  readonly lastMessageAt: number | null;
  readonly totals: Health['totals'];
  /** Messages committed in all (every kind), now. */
  readonly messages: number;
  /** The totals as sampled over the last JUMP_WINDOW_MIN minutes, oldest first. */
  readonly samples: ReadonlyArray<HealthSample>;
  readonly catchUp: Health['catchUp'];
  readonly now: number;
  readonly thresholds: Thresholds;
  /** Reasons found elsewhere (store faults), shown first. */
  readonly extra?: ReadonlyArray<{ code: HealthReasonCode; text: string; bad?: boolean }>;
}

export interface HealthSample {
  readonly conflicts: number;
  readonly quarantined: number;
  readonly messages: number;
}

/** "40 s", "12 min": short enough for the banner. */
const span = (ms: number): string =>
  ms < 90_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min`;

export function linkHealth(input: HealthInput): Health {
  const { relay, now, thresholds: t, totals } = input;
  const reasons: Health['reasons'] = [];
  let bad = false;
  for (const e of input.extra ?? []) {
    reasons.push({ code: e.code, text: e.text });
    bad ||= e.bad === true;
  }
  const quietMs = t.quietMinutes * 60_000;
  if (relay.state === 'live' && relay.liveSince !== undefined && now - relay.liveSince > quietMs) {
    const since = Math.max(input.lastStoredAt ?? 0, relay.liveSince);
    if (now - since > quietMs) {
      const busy =
        input.lastMessageAt !== null && input.lastMessageAt > since
          ? ': messages still arrive, but all were redeliveries, conflicts or rejected'
          : '';
      reasons.push({
        code: 'quiet',
        text:
          (input.lastStoredAt === null || input.lastStoredAt < relay.liveSince
            ? `Connected ${span(now - relay.liveSince)}, nothing new stored`
            : `Nothing new stored for ${span(now - since)}`) +
          ` (quiet time ${span(quietMs)})${busy}`,
      });
    }
  }
  const jumps: Array<[HealthReasonCode, string, 'conflicts' | 'quarantined']> = [
    ['conflicts-jump', 'Conflicts', 'conflicts'],
    ['quarantine-jump', 'Quarantined messages', 'quarantined'],
  ];
  for (const [code, what, field] of jumps) {
    const to = totals[field];
    // The biggest rise that is also a big share of what came in since (a backlog dilutes it).
    const from = input.samples.find(
      (s) =>
        to - s[field] >= JUMP_COUNT &&
        (to - s[field]) / Math.max(1, input.messages - s.messages) >= JUMP_SHARE,
    );
    if (from) {
      reasons.push({
        code,
        text: `${what} rose from ${from[field].toLocaleString('en-US')} to ${to.toLocaleString('en-US')} in ${JUMP_WINDOW_MIN} min`,
      });
    }
  }
  return {
    tone: bad ? 'bad' : reasons.length > 0 ? 'warn' : 'good',
    reasons,
    lastStoredAt: input.lastStoredAt,
    catchUp: input.catchUp,
    totals,
    computedAt: now,
  };
}
