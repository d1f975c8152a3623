/**
 * What the supervisor is told about the store: banner reasons and alerts from the store's health
 * (shared/api/channels/status.ts). Pure; the alert and status services call it with the current
 * health on every evaluation.
 */
import type { HealthReasonCode, StoreHealth } from '../api/channels/status';
import type { RuleAlert } from './alert-rules';

export interface StoreReason {
  readonly code: HealthReasonCode;
  readonly text: string;
  /** Data cannot be saved: the banner is red, not amber. */
  readonly bad?: boolean;
}

export function storeReasons(store: StoreHealth): StoreReason[] {
  const out: StoreReason[] = [];
  if (store.state !== 'ok' && store.title !== null) {
    out.push({ code: 'store', text: `${store.title}. ${store.action ?? ''}`.trim(), bad: true });
  }
  const aside = store.keptAside[0];
  if (aside !== undefined) {
    out.push({
      code: 'store',
      text: `A damaged database was kept aside as ${aside}: what it held is not shown (the relay sends its history again). Keep the file for recovery.`,
    });
  }
  if (store.sequenceAnomalies > 0) {
    const n = store.sequenceAnomalies.toLocaleString('en-US');
    out.push({
      code: 'sequence',
      text: `${n} relay message${store.sequenceAnomalies === 1 ? '' : 's'} came with a sequence out of order (stored, but not trusted as the resume point)`,
    });
  }
  return out;
}

export function storeAlerts(store: StoreHealth): RuleAlert[] {
  const out: RuleAlert[] = [];
  if (store.state !== 'ok' && store.title !== null) {
    out.push({
      key: 'store-fault:store',
      kind: 'store-fault',
      severity: 'critical',
      title: store.title,
      detail: [store.action, store.detail ? `(${store.detail})` : ''].filter(Boolean).join(' '),
      ...(store.since !== null ? { since: store.since } : {}),
      count: store.waiting,
    });
  }
  const aside = store.keptAside[0];
  if (aside !== undefined) {
    out.push({
      key: 'store-fault:kept-aside',
      kind: 'store-fault',
      severity: 'critical',
      title: 'A damaged database was kept aside',
      detail:
        `${aside} could not be used and was kept aside (never deleted); this store started without ` +
        'what it held and the relay sends its history again. Keep the file for recovery.',
    });
  }
  return out;
}
