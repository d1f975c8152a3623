/**
 * The shift-log notes a report lists: those written in its time range, about its gate or the
 * whole venue (a note without a gate). The log is append-only, so a correction is a note of its
 * own; the report shows it as one ("corrects the note of 14:05 by …") and marks the note it
 * corrects, even when the other one lies outside the report's range.
 */
import type { CheckInRange } from '../db';

export interface ReportNote {
  readonly id: string;
  readonly author: string;
  /** UTC ms the note was written (the writing laptop's clock). */
  readonly at: number;
  /** '' when the note is not about one gate. */
  readonly gate: string;
  readonly text: string;
  /** Id of the note this one corrects; '' for a new note. */
  readonly corrects: string;
}

export interface ReportNoteLine {
  readonly note: ReportNote;
  /** The note this one corrects (null: a new note, or one this store does not hold). */
  readonly corrects: ReportNote | null;
  /** True when it corrects a note this store does not hold. */
  readonly correctsUnknown: boolean;
  /** Later notes correcting this one, oldest first. */
  readonly correctedBy: ReadonlyArray<ReportNote>;
}

export function notesForReport(
  notes: ReadonlyArray<ReportNote>,
  range: CheckInRange,
  generatedAt: number,
): ReportNoteLine[] {
  const from = range.from ?? -Infinity;
  const to = range.to ?? Infinity;
  const byId = new Map(notes.map((n) => [n.id, n]));
  const correctedBy = new Map<string, ReportNote[]>();
  for (const n of notes) {
    if (n.corrects === '' || n.at > generatedAt) continue;
    correctedBy.set(n.corrects, [...(correctedBy.get(n.corrects) ?? []), n]);
  }
  return notes
    .filter(
      (n) =>
        n.at >= from &&
        n.at < to &&
        n.at <= generatedAt &&
        (range.gate === undefined || n.gate === '' || n.gate === range.gate),
    )
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((n) => {
      const original = n.corrects === '' ? null : (byId.get(n.corrects) ?? null);
      return {
        note: n,
        corrects: original,
        correctsUnknown: n.corrects !== '' && original === null,
        correctedBy: [...(correctedBy.get(n.id) ?? [])].sort((a, b) => a.at - b.at),
      };
    });
}
