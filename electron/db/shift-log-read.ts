/**
 * The shift log as reports read it: every note, oldest first. A shift log is written by hand
 * (a note is at most 2,000 characters), so even a festival's is small enough to read whole; the
 * report needs the notes outside its range too, to say what a correction corrects.
 */
import type { GateOpsDatabase } from './database';
import type { NoteDoc } from './collections/notes';

export async function readShiftLog(db: Pick<GateOpsDatabase, 'notes'>): Promise<NoteDoc[]> {
  const docs = await db.notes.find({ sort: [{ at: 'asc' }, { id: 'asc' }] }).exec();
  return docs.map((d) => d.toMutableJSON() as NoteDoc);
}
