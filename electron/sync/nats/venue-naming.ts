/**
 * Names on the NATS side, all derived from the venue (event) id the supervisors type in:
 * the venue's stream `GATEOPS_<VENUE>`, its subjects `gateops.<venue>.<collection>.<doc>`, and the
 * JetStream domain of a venue leaf node. Subject tokens may not hold `.`, `*`, `>` or white space,
 * so any id outside a plain alphabet is carried base64url-encoded behind a `~`.
 */

import { venueIdProblem } from '../../../shared/nats-sync';

const PLAIN_TOKEN = /^[A-Za-z0-9_-]{1,200}$/;

export class VenueIdError extends Error {
  override readonly name = 'VenueIdError';
}

/** Checks a venue id as typed (letters, digits, `-`, `_`; up to 64) and returns it. */
export function checkVenueId(venue: string): string {
  const problem = venueIdProblem(venue);
  if (problem) throw new VenueIdError(problem);
  return venue.trim();
}

/** The subject token of a venue: lower-case, so `North-Stadium` and `north-stadium` are one venue. */
export function venueToken(venue: string): string {
  return checkVenueId(venue).toLowerCase();
}

/** Stream names may not hold `.`, `*`, `>`, white space or path separators. */
export function venueStreamName(venue: string): string {
  return `GATEOPS_${venueToken(venue).toUpperCase().replace(/-/g, '_')}`;
}

export const SUBJECT_ROOT = 'gateops';

/** The JetStream domain a venue leaf node is configured with (see docs/sync.md). */
export function venueDomain(venue: string): string {
  return venueToken(venue);
}

export function venueSubjects(venue: string): string {
  return `${SUBJECT_ROOT}.${venueToken(venue)}.>`;
}

/** `*` in the venue position reads every venue (the operations centre's stream). */
export function collectionFilter(venue: string | '*', collection: string): string {
  const v = venue === '*' ? '*' : venueToken(venue);
  return `${SUBJECT_ROOT}.${v}.${collection}.>`;
}

export function docSubject(venue: string, collection: string, docId: string): string {
  return `${SUBJECT_ROOT}.${venueToken(venue)}.${collection}.${encodeDocId(docId)}`;
}

export function encodeDocId(id: string): string {
  return PLAIN_TOKEN.test(id) ? id : `~${Buffer.from(id, 'utf8').toString('base64url')}`;
}

export function decodeDocId(token: string): string {
  return token.startsWith('~') ? Buffer.from(token.slice(1), 'base64url').toString('utf8') : token;
}

/** The parts of a document subject, or null when it is not one of ours. */
export function parseDocSubject(
  subject: string,
): { venue: string; collection: string; docId: string } | null {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== SUBJECT_ROOT) return null;
  const [, venue, collection, token] = parts as [string, string, string, string];
  if (!token || (!PLAIN_TOKEN.test(token) && !/^~[A-Za-z0-9_-]+$/.test(token))) return null;
  return { venue, collection, docId: decodeDocId(token) };
}
