/**
 * `notes`: the shift log, synced between the laptops of a venue. Append-only: a note is never
 * edited; a correction is a new note that points at the one it corrects (`corrects`), so two
 * laptops writing offline never lose each other's words.
 */
import type { RxJsonSchema } from 'rxdb';
import { MAX_TIMESTAMP_MS } from '../../../shared/contract/timestamp';
import { AUTHOR_MAX, LAPTOP_ID_LENGTH } from './acks';

export interface NoteDoc {
  /** Random, 22 base64url characters (`newNoteId()`). */
  id: string;
  laptopId: string;
  /** The laptop's name when the note was written. */
  author: string;
  at: number;
  /** '' when the note is not about one gate. */
  gate: string;
  text: string;
  /** Id of the note this one corrects; '' for a new note. */
  corrects: string;
}

export const NOTE_TEXT_MAX = 2000;

export const notesSchema: RxJsonSchema<NoteDoc> = {
  title: 'shift log notes',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 22 },
    laptopId: { type: 'string', maxLength: LAPTOP_ID_LENGTH },
    author: { type: 'string', maxLength: AUTHOR_MAX },
    at: { type: 'integer', minimum: 0, maximum: MAX_TIMESTAMP_MS, multipleOf: 1 },
    gate: { type: 'string', maxLength: 128 },
    text: { type: 'string', maxLength: NOTE_TEXT_MAX },
    corrects: { type: 'string', maxLength: 22 },
  },
  required: ['id', 'laptopId', 'author', 'at', 'gate', 'text', 'corrects'],
  indexes: ['at'],
};
