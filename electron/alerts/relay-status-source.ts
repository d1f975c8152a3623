/**
 * What the dashboard needs of the relay client: its current status and a way to follow it.
 * The relay client (electron/relay) is adapted to this in one place; tests pass a fixed or
 * hand-driven source.
 */
import type { RelayStatus } from '../../shared/api/channels/relay';

export interface RelayStatusSource {
  current(): RelayStatus;
  /** Returns the unsubscribe function. */
  subscribe(listener: (status: RelayStatus) => void): () => void;
}

/** A status you set by hand: tests, and hosts started without a relay. */
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
