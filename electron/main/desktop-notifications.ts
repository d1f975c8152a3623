/**
 * Critical alerts as the OS's own notifications (Electron's Notification: Notification Center,
 * the Windows action centre, libnotify). A click brings the window forward.
 * Settings decide whether they are wanted (electron/app checks before calling).
 */
import type { AlertVm } from '../../shared/api';

/** What this needs of Electron's Notification class (a fake in tests). */
export interface NotificationClass {
  isSupported(): boolean;
  new (options: { title: string; body: string; urgency?: 'normal' | 'critical' | 'low' }): {
    on(event: 'click', listener: () => void): unknown;
    show(): void;
  };
}

/** A burst (the link and storage failing together) shows at most this many, then a summary. */
const AT_ONCE = 3;

export function showCriticalNotifications(
  Notification: NotificationClass,
  alerts: ReadonlyArray<AlertVm>,
  onClick: () => void,
): number {
  if (!Notification.isSupported()) return 0;
  const shown = alerts
    .slice(0, AT_ONCE)
    .map((a) => ({ title: `Gate Ops: ${a.title}`, body: a.detail }));
  if (alerts.length > AT_ONCE) {
    shown.push({
      title: `Gate Ops: ${alerts.length - AT_ONCE} more critical alerts`,
      body: 'See the Alerts view.',
    });
  }
  for (const s of shown) {
    const n = new Notification({ ...s, urgency: 'critical' });
    n.on('click', onClick);
    n.show();
  }
  return shown.length;
}
