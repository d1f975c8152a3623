/** A relay status you set by hand, for the dashboard's and the alerts' tests. */
import type { RelayStatusSource } from '../../electron/alerts';
import type { RelayStatus } from '../../shared/api/channels/relay';

export class ManualRelayStatus implements RelayStatusSource {
  private readonly listeners = new Set<(status: RelayStatus) => void>();
  constructor(private status: RelayStatus) {}
  current(): RelayStatus {
    return this.status;
  }
  set(status: RelayStatus): void {
    this.status = status;
    for (const l of this.listeners) l(status);
  }
  subscribe(listener: (status: RelayStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
