import { describe, expect, it } from 'vitest';
import { showCriticalNotifications } from '../../../../electron/main/desktop-notifications';
import type { AlertVm } from '../../../../shared/api';

function fakeNotification(supported = true) {
  const shown: Array<{ title: string; body: string; urgency?: string }> = [];
  const clicks: Array<() => void> = [];
  class Fake {
    static isSupported() {
      return supported;
    }
    constructor(
      readonly options: { title: string; body: string; urgency?: 'normal' | 'critical' | 'low' },
    ) {}
    on(_event: 'click', listener: () => void) {
      clicks.push(listener);
    }
    show() {
      shown.push(this.options);
    }
  }
  return { Fake, shown, clicks };
}

const alert = (n: number): AlertVm => ({
  id: `relay-down:link@${n}`,
  kind: 'relay-down',
  severity: 'critical',
  title: `Relay link down ${n}`,
  detail: 'No connection to the relay.',
  since: n,
  acknowledgedAt: null,
  clearedAt: null,
});

describe('desktop notifications (Electron main)', () => {
  it('shows critical alerts as OS notifications, a burst summed up, a click focusing the window', () => {
    const { Fake, shown, clicks } = fakeNotification();
    let focused = 0;
    expect(showCriticalNotifications(Fake, [1, 2, 3, 4, 5].map(alert), () => (focused += 1))).toBe(
      4,
    );
    expect(shown.map((s) => s.title)).toEqual([
      'Gate Ops: Relay link down 1',
      'Gate Ops: Relay link down 2',
      'Gate Ops: Relay link down 3',
      'Gate Ops: 2 more critical alerts',
    ]);
    expect(shown.every((s) => s.urgency === 'critical')).toBe(true);
    clicks[0]!();
    expect(focused).toBe(1);
  });

  it('does nothing where the OS has no notifications', () => {
    const { Fake, shown } = fakeNotification(false);
    expect(showCriticalNotifications(Fake, [alert(1)], () => undefined)).toBe(0);
    expect(shown).toEqual([]);
  });
});
