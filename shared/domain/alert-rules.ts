/**
 * Alert rules: which conditions the supervisor must see now. Pure: given the activity state,
 * the relay status, the unacknowledged quarantine and conflicts, and `now`, it lists the alerts
 * whose cause holds. Each alert has a condition key (`kind:subject`) and, where the data says
 * when the episode began, its `since`; the id `key@since` is then the same on every laptop.
 * Re-entries are summed up per quarter-hour, and several lagging devices fold into one.
 */
import type { AlertItem, AlertKind, AlertSeverity } from '../api/channels/alerts';
import type { RelayStatus } from '../api/channels/relay';
import type { Thresholds } from '../settings';
import {
  MINUTE,
  QUARTER_HOUR,
  ratePerMinute,
  REENTRY_GROUP_ITEMS,
  scansSince,
  type ActivityState,
  type ReentryGroup,
} from './activity-aggregator';
import { laggingDeviceIds, statusAt } from './activity-views';

/** Messages of one kind (quarantine, conflicts) not yet acknowledged, by ingest sequence. */
export interface SeqBacklog {
  /** Highest ingest sequence held (0: none). */
  readonly lastSeq: number;
  readonly unacknowledged: number;
  /** Ingest sequence and receive time of the first unacknowledged one. */
  readonly firstSeq: number | null;
  readonly firstAt: number | null;
}

export const NO_BACKLOG: SeqBacklog = {
  lastSeq: 0,
  unacknowledged: 0,
  firstSeq: null,
  firstAt: null,
};

export interface AlertInput {
  readonly state: Readonly<ActivityState>;
  readonly relay: RelayStatus;
  readonly quarantine: SeqBacklog;
  readonly conflicts?: SeqBacklog;
  readonly now: number;
  readonly thresholds: Thresholds;
}

/** What a rule reports; the service gives it an id and its acknowledgement and history. */
export interface RuleAlert {
  /** The condition: `kind:subject`. */
  readonly key: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly detail: string;
  /** When the episode began, from the data; absent: the service keeps when it first held. */
  readonly since?: number;
  /** What tells this episode from the next, when not `since` (the id is `key@episode`). */
  readonly episode?: number;
  readonly gate?: string;
  readonly deviceId?: string;
  readonly sessionId?: string;
  readonly ticketId?: string;
  readonly count?: number;
  readonly items?: ReadonlyArray<AlertItem>;
  readonly until?: number;
}

/** Re-entry groups stay open this long after their quarter-hour ended (then: history). */
export const REENTRY_OPEN_MS = 2 * 60 * MINUTE;
/** From this many lagging devices on, one alert lists them all. */
export const LAG_FOLD_AT = 3;

const label = (s: string, empty: string): string => (s === '' ? empty : s);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function relayAlerts(relay: RelayStatus, now: number, t: Thresholds): RuleAlert[] {
  if (relay.authFailed) {
    return [
      {
        key: 'relay-auth:link',
        kind: 'relay-auth',
        severity: 'critical',
        title: 'The relay refused the token',
        detail:
          `${relay.lastError ?? 'Authentication failed'}. Nothing arrives while the token is wrong: ` +
          'set the right one in Settings (headless mode: the token file or GATE_OPS_RELAY_TOKEN), ' +
          'then press Retry now. Stored data stays browsable.',
        ...(relay.offlineSince !== undefined ? { since: relay.offlineSince } : {}),
      },
    ];
  }
  if (
    relay.state === 'live' ||
    relay.state === 'stopped' ||
    relay.offlineSince === undefined ||
    now - relay.offlineSince < t.relayDownSeconds * 1000
  ) {
    return [];
  }
  return [
    {
      key: 'relay-down:link',
      kind: 'relay-down',
      severity: 'critical',
      title: 'Relay link down',
      detail:
        `No connection to the relay for ${Math.round((now - relay.offlineSince) / 1000)} s` +
        (relay.lastError ? ` (${relay.lastError})` : '') +
        '. Stored data stays browsable; what the relay holds for us is fetched when the link is back.',
      since: relay.offlineSince,
    },
  ];
}

function idleAlerts(state: Readonly<ActivityState>, now: number, t: Thresholds): RuleAlert[] {
  const out: RuleAlert[] = [];
  const idleMs = t.deviceIdleMinutes * MINUTE;
  for (const d of state.devices.values()) {
    if (d.deviceId === '' || d.gate === '') continue;
    if (statusAt(d.lastScanAt, now, t) !== 'idle') continue;
    const gate = state.gates.get(d.gate);
    if (!gate) continue;
    const traffic = scansSince(gate.recent, now, t.deviceIdleMinutes);
    if (traffic === 0) continue;
    const rate = ratePerMinute(gate.recent, now, 5);
    const busy = rate >= t.busyGatePerMinute;
    out.push({
      key: `device-idle:${d.deviceId}`,
      kind: 'device-idle',
      severity: busy ? 'critical' : 'warning',
      title: `Device ${d.deviceId} idle at ${busy ? 'busy ' : ''}gate ${d.gate}`,
      detail:
        `No scan for ${Math.floor((now - d.lastScanAt) / MINUTE)} min while gate ${d.gate} had ` +
        `${plural(traffic, 'scan')} in the last ${t.deviceIdleMinutes} min (${rate}/min).`,
      since: d.lastScanAt + idleMs,
      gate: d.gate,
      deviceId: d.deviceId,
      sessionId: d.sessionId,
    });
  }
  return out;
}

function lagAlerts(state: Readonly<ActivityState>, now: number, t: Thresholds): RuleAlert[] {
  const lagging = [...laggingDeviceIds(state, now, t)]
    .map((id) => state.devices.get(id))
    .filter((d) => d !== undefined)
    .sort((a, b) => b.behindMs - a.behindMs);
  if (lagging.length >= LAG_FOLD_AT) {
    // A backlog after a start or reconnect makes many devices late at once: one alert, a list.
    return [
      {
        key: 'upload-lag:devices',
        kind: 'upload-lag',
        severity: 'warning',
        title: `${lagging.length} devices upload late`,
        detail:
          `Their latest uploads were scans more than ${t.uploadLagSeconds} s older than the rest ` +
          "of the venue's: they buffered offline, or a backlog is still being caught up.",
        count: lagging.length,
        items: lagging.slice(0, 20).map((d) => ({
          label: `${d.deviceId} at ${label(d.gate, '(no gate)')}: ${Math.round(d.behindMs / 1000)} s behind`,
          deviceId: d.deviceId,
          at: d.lastReceivedAt,
        })),
      },
    ];
  }
  return lagging.map((d) => ({
    key: `upload-lag:${d.deviceId}`,
    kind: 'upload-lag',
    severity: 'warning',
    title: `Device ${d.deviceId} uploads late`,
    detail:
      `Its latest upload was a scan ${Math.round(d.behindMs / 1000)} s older than the rest of the ` +
      `venue's (threshold ${t.uploadLagSeconds} s; ${Math.round(d.uploadLagMs / 1000)} s after the ` +
      'scan): it may be buffering offline.',
    gate: d.gate,
    deviceId: d.deviceId,
    sessionId: d.sessionId,
  }));
}

/**
 * Re-entries: one summary per quarter-hour for the whole venue (by check-in time), with the
 * count per gate and the newest scans listed; not one card per scan.
 */
function reentryAlerts(state: Readonly<ActivityState>, now: number): RuleAlert[] {
  const quarters = new Map<number, ReentryGroup[]>();
  for (const g of state.reentryGroups.values()) {
    if (now - (g.quarterStart + QUARTER_HOUR) > REENTRY_OPEN_MS) continue;
    const list = quarters.get(g.quarterStart) ?? [];
    list.push(g);
    quarters.set(g.quarterStart, list);
  }
  const out: RuleAlert[] = [];
  for (const [quarterStart, groups] of quarters) {
    const count = groups.reduce((a, g) => a + g.count, 0);
    const byGate = [...groups].sort(
      (a, b) => b.count - a.count || a.gate.localeCompare(b.gate, undefined, { numeric: true }),
    );
    const items = groups
      .flatMap((g) => g.items)
      .sort((a, b) => b.checkedInAt - a.checkedInAt || b.ingestSeq - a.ingestSeq)
      .slice(0, REENTRY_GROUP_ITEMS);
    const only = count === 1 ? items[0] : undefined;
    out.push({
      key: 'reentry:venue',
      kind: 'reentry',
      severity: 'warning',
      title: only
        ? `Re-entry of ticket ${only.ticketId} at gate ${label(only.gate, '(no gate)')}`
        : `${count} re-entries at ${plural(groups.length, 'gate')}`,
      detail:
        'Tickets scanned again in this quarter-hour, by gate: ' +
        byGate.map((g) => `${label(g.gate, '(no gate)')} ${g.count}`).join(' · ') +
        '.',
      since: quarterStart,
      until: quarterStart + QUARTER_HOUR,
      count,
      ...(only ? { ticketId: only.ticketId, deviceId: only.deviceId, gate: only.gate } : {}),
      ...(groups.length === 1 && groups[0] ? { gate: groups[0].gate } : {}),
      items: items.map((r) => ({
        label: `${r.ticketId} at ${label(r.gate, '(no gate)')} by ${label(r.deviceId, 'an unknown device')}`,
        ticketId: r.ticketId,
        deviceId: r.deviceId,
        at: r.checkedInAt,
      })),
    });
  }
  return out;
}

function backlogAlert(
  kind: 'quarantine' | 'conflict',
  b: SeqBacklog | undefined,
  now: number,
): RuleAlert[] {
  if (!b || b.unacknowledged === 0) return [];
  const quarantine = kind === 'quarantine';
  return [
    {
      key: `${kind}:new`,
      kind,
      severity: quarantine ? 'info' : 'warning',
      title: quarantine
        ? `${plural(b.unacknowledged, 'new quarantined event')}`
        : `${plural(b.unacknowledged, 'new conflicting redelivery', 'new conflicting redeliveries')}`,
      detail: quarantine
        ? 'Messages that failed validation are kept with the reason; review them under Quarantine.'
        : 'A known check-in came back with different content; the stored one was kept. Review them under Quarantine → Conflicts.',
      since: b.firstAt ?? now,
      // Sequence, not time: the next batch after an acknowledgement is another episode.
      episode: b.firstSeq ?? 0,
      count: b.unacknowledged,
    },
  ];
}

const RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

export function evaluateAlerts(input: AlertInput): RuleAlert[] {
  const { state, relay, now, thresholds: t } = input;
  const alerts = [
    ...relayAlerts(relay, now, t),
    ...idleAlerts(state, now, t),
    ...lagAlerts(state, now, t),
    ...backlogAlert('conflict', input.conflicts, now),
    ...backlogAlert('quarantine', input.quarantine, now),
    ...reentryAlerts(state, now),
  ];
  return alerts.sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || (b.since ?? now) - (a.since ?? now),
  );
}
