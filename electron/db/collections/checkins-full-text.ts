/**
 * The check-ins collection's full-text index (electron/storage/full-text.ts), given when the
 * database creates the collection and read by the search (checkin-full-text.ts).
 */
import type { FullTextOptions } from '../../storage';

/** The searched fields; changing the list re-indexes stored check-ins in the background. */
export const CHECKIN_FULL_TEXT: FullTextOptions = {
  fields: ['attendeeName', 'attendeeEmail', 'ticketId', 'checkInId', 'sessionId', 'deviceId'],
  newestBy: 'checkedInAt',
};
