/**
 * The resume-cursor rule, in one place (ingest computes it once per message; the commit persists
 * what it computed). The relay's `sequence` stamps sort in its delivery order, but a stamp can
 * be wrong: one message stamped `zzzz-bogus` in a stream of `000000000123…` sorts after all the
 * messages still to come, and a cursor moved to it would make the relay resume after it and
 * never send them. So a stamp becomes the cursor only once a later message sorts after it
 * (`latest` is the newest stamp not yet confirmed). The cursor then always lies before a real
 * successor: resuming from it can only cause replays, which ingest recognises, never a gap.
 *
 * A stamp that does not sort after the previous one on the same link (or after the cursor) is
 * out of order: ingest counts it as a sequence anomaly unless it is a replay of a message
 * already stored (a relay resuming before the cursor, or ignoring `?after=`).
 */
export interface CursorState {
  /** The stamp the relay resumes after: confirmed by a later one. */
  readonly cursor: string | null;
  /** The newest stamp above the cursor, not yet confirmed. */
  readonly latest: string | null;
}

export interface Observed extends CursorState {
  /** The stamp sorts at or before the previous stamp of this link, or the cursor. */
  readonly outOfOrder: boolean;
  /**
   * Where a message without a stamp sits in the relay's stream: after which stamp (the last one
   * on this link, or the one the link resumed after), and how many unstamped ones came since.
   * A replay puts it at the same place, so this tells a replay from a new message of the same
   * bytes. Null for a stamped message.
   */
  readonly position: string | null;
}

export class CursorRule {
  private cursor: string | null;
  private latest: string | null;
  /** The previous stamp on the current link (null right after a (re)connection). */
  private previous: string | null = null;
  /** The last stamp of the relay's stream before what arrives now, and the unstamped since. */
  private anchor: string | null;
  private offset = 0;

  constructor(state: CursorState) {
    this.cursor = state.cursor;
    this.latest = state.latest !== null && above(state.latest, state.cursor) ? state.latest : null;
    this.anchor = this.cursor;
  }

  get state(): CursorState {
    return { cursor: this.cursor, latest: this.latest };
  }

  /** A new link starts: the relay will resume right after the returned stamp. */
  resume(): string | null {
    this.previous = null;
    this.anchor = this.cursor;
    this.offset = 0;
    return this.cursor;
  }

  /** One message, in arrival order; `sequence` null: it carried no readable stamp. */
  observe(sequence: string | null): Observed {
    if (sequence === null) {
      this.offset += 1;
      return { ...this.state, outOfOrder: false, position: `${this.anchor ?? ''}#${this.offset}` };
    }
    this.anchor = sequence;
    this.offset = 0;
    const floor = max(this.previous, this.cursor);
    const outOfOrder = floor !== null && sequence <= floor;
    this.previous = sequence;
    if (this.latest !== null && sequence > this.latest) {
      // The newest stamp has a successor that sorts after it: it is safe to resume from.
      this.cursor = this.latest;
      this.latest = sequence;
    } else if (above(sequence, this.cursor) && sequence !== this.latest) {
      // Either nothing was pending, or the pending stamp sorted after its successor (it was out
      // of order, e.g. `zzzz-bogus`): it is never confirmed.
      this.latest = sequence;
    }
    return { ...this.state, outOfOrder, position: null };
  }
}

function above(sequence: string, cursor: string | null): boolean {
  return cursor === null || sequence > cursor;
}

function max(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
