/**
 * The relay's history: every message it has accepted, in order, each stamped with the CloudEvents
 * `sequence` extension. Sequences are zero-padded decimals, so string order is arrival order and a
 * reconnecting client's `?after=<sequence>` finds its place by binary search.
 */
const SEQUENCE_WIDTH = 12;

export function formatSequence(n: number): string {
  return String(n).padStart(SEQUENCE_WIDTH, '0');
}

export class RelayHistory {
  private readonly texts: string[] = [];
  private readonly sequences: string[] = [];

  /** `base`: sequences start after it (a demo relay continuing where a stored cursor left off). */
  constructor(private readonly base = 0) {}

  get length(): number {
    return this.texts.length;
  }

  /** Appends a CloudEvent (stamped with the next sequence), or raw text that cannot be stamped. */
  append(event: Readonly<Record<string, unknown>> | null, raw: string | null): string {
    const sequence = formatSequence(this.base + this.texts.length + 1);
    const text = event !== null ? JSON.stringify({ ...event, sequence }) : (raw ?? '');
    this.texts.push(text);
    this.sequences.push(sequence);
    return sequence;
  }

  at(index: number): string | undefined {
    return this.texts[index];
  }

  sequenceAt(index: number): string | undefined {
    return this.sequences[index];
  }

  /** Index of the first message after `sequence` (0 for null: the whole history). */
  indexAfter(sequence: string | null): number {
    if (sequence === null || sequence === '') return 0;
    let lo = 0;
    let hi = this.sequences.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sequences[mid]! <= sequence) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
