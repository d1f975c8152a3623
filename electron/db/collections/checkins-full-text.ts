/**
 * The check-ins collection's full-text index (electron/storage/full-text.ts), given when the
 * database creates the collection and read by the search (checkin-full-text.ts).
 */
import type { FullTextOptions } from '../../storage';

/**
 * The searched fields (document paths: the check-in document v1 keeps the attendee and the
 * check-in id inside its event); changing the list re-indexes stored check-ins in the
 * background.
 */
export const CHECKIN_FULL_TEXT: FullTextOptions = {
  fields: [
    'event.data.attendee.name',
    'event.data.attendee.email',
    'ticketId',
    'event.data.check_in_id',
    'sessionId',
    'deviceId',
  ],
  newestBy: 'checkedInAt',
};
