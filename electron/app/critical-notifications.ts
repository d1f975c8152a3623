/**
 * Which raised alerts reach the host's desktop notification: the critical ones, and only while
 * Settings want desktop notifications (read at each burst, so a change applies at once).
 */
import type { Observable } from 'rxjs';
import type { AlertVm } from '../../shared/api';

export function forwardCriticalAlerts(
  raised$: Observable<ReadonlyArray<AlertVm>>,
  wanted: () => boolean,
  notify: (alerts: ReadonlyArray<AlertVm>) => void,
): () => void {
  const sub = raised$.subscribe((raised) => {
    const critical = raised.filter((a) => a.severity === 'critical');
    if (critical.length > 0 && wanted()) notify(critical);
  });
  return () => sub.unsubscribe();
}
