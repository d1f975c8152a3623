/**
 * What critical alerts do beyond the list: the window title counts the open ones, and one that
 * opens while the window is up raises a desktop notification and, when chosen in Settings, a
 * short sound. In a browser that is the Notification API; the desktop app shows the OS's own
 * from main (electron/main), so the renderer leaves it to main there. Alerts open when the page
 * loads do not notify again (a reload is not news).
 */
import { useEffect, useRef } from 'react';
import type { AlertsList } from '../../../shared/api/channels/alerts';
import type { NotificationSettings } from '../../../shared/settings';

const BASE_TITLE = 'Gate Ops';

/** Two short tones: audible at a noisy door, over before it annoys. */
function chime(): void {
  try {
    const Ctx = window.AudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const start = ctx.currentTime;
    [880, 660].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + i * 0.22);
      gain.gain.exponentialRampToValueAtTime(0.25, start + i * 0.22 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.22 + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + i * 0.22);
      osc.stop(start + i * 0.22 + 0.21);
    });
    setTimeout(() => void ctx.close().catch(() => undefined), 800);
  } catch {
    /* no audio output: the notification and the list still say it */
  }
}

function notify(title: string, body: string, tag: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(title, { body, tag });
  } catch {
    /* some browsers only notify from a service worker: the list and title still say it */
  }
}

export function useCriticalAlerts(
  alerts: AlertsList | undefined,
  settings: NotificationSettings | undefined,
  host: 'electron' | 'headless' | null,
): void {
  const seen = useRef<Set<string> | null>(null);
  const count = alerts?.criticalCount ?? 0;

  useEffect(() => {
    document.title = count > 0 ? `(${count} critical) ${BASE_TITLE}` : BASE_TITLE;
  }, [count]);

  useEffect(() => {
    if (!alerts) return;
    const critical = alerts.alerts.filter(
      (a) => a.severity === 'critical' && a.acknowledgedAt === null,
    );
    if (seen.current === null) {
      seen.current = new Set(critical.map((a) => a.id));
      return;
    }
    const fresh = critical.filter((a) => !seen.current!.has(a.id));
    for (const a of fresh) seen.current.add(a.id);
    if (fresh.length === 0 || !settings) return;
    if (settings.desktop && host !== 'electron') {
      for (const a of fresh) notify(`Gate Ops: ${a.title}`, a.detail, a.id);
    }
    if (settings.sound) chime();
  }, [alerts, settings, host]);
}
