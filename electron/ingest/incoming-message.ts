/**
 * A message from the relay as ingest hands it to a commit: its verdict, its stamp and where the
 * cursor stands once it is accepted. Its own file so that the commit (batch-commit.ts) and the
 * replay check (replays.ts) can both use it without importing each other.
 */
import type { Classification } from '../../shared/contract';
import type { CursorState } from './cursor-rule';

export interface IncomingMessage {
  readonly verdict: Classification;
  /** The relay's `sequence` stamp, when the message carried one. */
  readonly sequence: string | null;
  readonly receivedAt: number;
  /** The cursor once this message is accepted (cursor-rule.ts): what a commit ending with it persists. */
  readonly cursorAfter: CursorState;
  /** Its stamp did not sort after the one before it: an anomaly, unless it is a replay. */
  readonly outOfOrder: boolean;
  /** For a message without a stamp: where it sits in the relay's stream (cursor-rule.ts). */
  readonly position: string | null;
}
