/** What the relay link reports about itself, and what it feeds (the ingest pipeline). */
export type RelayLinkState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting'; readonly attempt: number }
  | { readonly kind: 'live'; readonly since: number }
  | {
      readonly kind: 'reconnecting';
      readonly attempt: number;
      readonly nextTryAt: number;
      readonly reason: string;
    }
  | { readonly kind: 'auth-failed'; readonly at: number; readonly reason: string }
  /** The relay keeps sending a message this client cannot read: retrying would loop forever. */
  | { readonly kind: 'stalled'; readonly at: number; readonly reason: string }
  | { readonly kind: 'stopped' };

/** The link's own counters (what ingest made of the messages is in the ingest totals). */
export interface RelayCounters {
  /** Messages received on the socket (replays after a reconnect included). */
  readonly received: number;
  readonly lastEventAt: number | null;
}

export interface RelayStatus {
  /** The relay URL as shown: no user info, no query values (shared/redact.ts). */
  readonly url: string;
  readonly state: RelayLinkState;
  /** When the link was last lost (or the client started), null while live. */
  readonly offlineSince: number | null;
  readonly lastError: string | null;
  /** True while reading is paused because the store is behind. */
  readonly paused: boolean;
  readonly counters: RelayCounters;
}

/** Where messages go: the ingest pipeline. */
export interface RelaySink {
  /** Takes one message. False: the sink is above its high-water mark; stop reading until drain. */
  push(text: string | Uint8Array, receivedAt: number): boolean;
  /** Calls back when the sink has room again; returns an unsubscribe function. */
  onDrain(listener: () => void): () => void;
  /**
   * Calls back when the sink becomes full without a push saying so (the store cannot save):
   * reading stops now, not at the next message, which may never come. Returns an unsubscribe.
   */
  onFull(listener: () => void): () => void;
  /** The last sequence durably stored: where a (re)connection resumes. */
  resumeCursor(): string | null;
}
