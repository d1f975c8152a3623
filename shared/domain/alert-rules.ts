/**
 * Alert rules: which conditions the supervisor must see now. Pure: given the activity state,
 * the relay status, what is in quarantine and `now`, it lists the open alerts. Ids are stable
 * for one episode of a condition, so an acknowledgement silences that episode and the next
 * episode alerts again.
 */
import type { AlertVm } from '../api/channels/alerts';
import type { RelayStatus } from '../api/channels/relay';
import type { Thresholds } from '../settings';
import { MINUTE, scansSince, type ActivityState } from './activity-aggregator';
import { laggingDeviceIds, statusAt } from './activity-views';

export interface QuarantineInfo {
  /** Highest ingest sequence in quarantine (0: none). */
  readonly lastSeq: number;
  /** Quarantined messages above the acknowledged sequence. */
  readonly unacknowledged: number;
  /** Receive time of the first of those. */
  readonly firstUnacknowledgedAt: number | null;
}

export interface AlertInput {
  readonly state: Readonly<ActivityState>;
  readonly relay: RelayStatus;
  readonly quarantine: QuarantineInfo;
  readonly now: number;
  readonly thresholds: Thresholds;
}

export type OpenAlert = Omit<AlertVm, 'acknowledgedAt'>;

const label = (s: string, empty: string): string => (s === '' ? empty : s);

export function evaluateAlerts(input: AlertInput): OpenAlert[] {
  const { state, relay, quarantine, now, thresholds: t } = input;
  const alerts: OpenAlert[] = [];

  if (
    relay.state !== 'live' &&
    relay.state !== 'stopped' &&
    relay.offlineSince !== undefined &&
    now - relay.offlineSince >= t.relayDownSeconds * 1000
  ) {
    alerts.push({
      id: `relay-down:${relay.offlineSince}`,
      kind: 'relay-down',
      severity: 'critical',
      title: 'Relay link down',
      detail:
        `No connection to the relay for ${Math.round((now - relay.offlineSince) / 1000)} s` +
        (relay.lastError ? ` (${relay.lastError})` : '') +
        '. Stored data stays browsable; new check-ins arrive when the link is back.',
      since: relay.offlineSince,
    });
  }

  const idleMs = t.deviceIdleMinutes * MINUTE;
  for (const d of state.devices.values()) {
    if (d.deviceId === '' || d.gate === '') continue;
    if (statusAt(d.lastScanAt, now, t) !== 'idle') continue;
    const gate = state.gates.get(d.gate);
    const gateTraffic = gate ? scansSince(gate.recent, now, t.deviceIdleMinutes) : 0;
    if (gateTraffic === 0) continue;
    alerts.push({
      id: `device-idle:${d.deviceId}:${d.lastScanAt}`,
      kind: 'device-idle',
      severity: 'warning',
      title: `Device ${d.deviceId} idle at gate ${d.gate}`,
      detail: `No scan for ${Math.floor((now - d.lastScanAt) / MINUTE)} min while gate ${d.gate} had ${gateTraffic} scans in the last ${t.deviceIdleMinutes} min.`,
      since: d.lastScanAt + idleMs,
      gate: d.gate,
      deviceId: d.deviceId,
      sessionId: d.sessionId,
    });
  }

  for (const id of laggingDeviceIds(state, now, t)) {
    const d = state.devices.get(id);
    if (!d) continue;
    alerts.push({
      id: `upload-lag:${d.deviceId}`,
      kind: 'upload-lag',
      severity: 'warning',
      title: `Device ${d.deviceId} uploads late`,
      detail: `Its latest upload was a scan ${Math.round(d.behindMs / 1000)} s older than the rest of the venue's (threshold ${t.uploadLagSeconds} s; ${Math.round(d.uploadLagMs / 1000)} s after the scan): it may be buffering offline.`,
      since: d.lastSeenAt,
      gate: d.gate,
      deviceId: d.deviceId,
      sessionId: d.sessionId,
    });
  }

  if (quarantine.unacknowledged > 0) {
    alerts.push({
      id: `quarantine:${quarantine.lastSeq}`,
      kind: 'quarantine',
      severity: 'info',
      title: `${quarantine.unacknowledged} new quarantined ${quarantine.unacknowledged === 1 ? 'event' : 'events'}`,
      detail:
        'Messages that failed validation are kept with the reason; review them under Quarantine.',
      since: quarantine.firstUnacknowledgedAt ?? now,
    });
  }

  for (const r of state.recentReentries) {
    alerts.push({
      id: `reentry:${r.checkInId}`,
      kind: 'reentry',
      severity: 'warning',
      title: `Re-entry of ticket ${r.ticketId}`,
      detail: `Scanned again at gate ${label(r.gate, '(none)')} by ${label(r.deviceId, 'an unknown device')}.`,
      since: r.checkedInAt,
      gate: r.gate,
      deviceId: r.deviceId,
      sessionId: r.sessionId,
      ticketId: r.ticketId,
    });
  }

  const rank = { critical: 0, warning: 1, info: 2 } as const;
  return alerts.sort((a, b) => rank[a.severity] - rank[b.severity] || b.since - a.since);
}
