import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { forwardCriticalAlerts } from '../../../../electron/app';
import type { AlertVm } from '../../../../shared/api';

const alert = (id: string, severity: AlertVm['severity']): AlertVm => ({
  id,
  kind: 'relay-down',
  severity,
  title: id,
  detail: '',
  since: 1,
  acknowledgedAt: null,
  clearedAt: null,
});

describe('critical alerts to the desktop notification', () => {
  it('forwards only critical alerts, only while Settings want them, until stopped', () => {
    const raised = new Subject<ReadonlyArray<AlertVm>>();
    let wanted = true;
    const got: string[][] = [];
    const stop = forwardCriticalAlerts(
      raised,
      () => wanted,
      (alerts) => got.push(alerts.map((a) => a.id)),
    );
    raised.next([alert('a', 'critical'), alert('b', 'warning'), alert('c', 'critical')]);
    raised.next([alert('d', 'info')]);
    wanted = false;
    raised.next([alert('e', 'critical')]);
    wanted = true;
    stop();
    raised.next([alert('f', 'critical')]);
    expect(got).toEqual([['a', 'c']]);
  });
});
