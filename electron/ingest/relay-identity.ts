/**
 * Which relay a cursor belongs to, stored with it (`cursorRelay`). A relay URL may carry
 * credentials (user info, `?access_token=`), and the database is no place for them: the identity
 * is the URL as shown (shared/redact.ts: no user info, no query values) plus a one-way digest of
 * what tells two relays apart (host, path, and query parameters not named like credentials), so
 * `?venue=A` and `?venue=B` stay two relays while a rotated token stays the same one. The digest
 * is scrypt (slow on purpose: a short query value cannot be guessed back from a stolen file).
 */
import { scryptSync } from 'node:crypto';
import { CREDENTIAL_PARAM, redactUrl } from '../../shared/redact';

export const DEMO_RELAY = 'demo';

export function relayIdentity(url: string): string {
  if (url === DEMO_RELAY) return DEMO_RELAY;
  let what: string;
  try {
    const u = new URL(url);
    const params = [...u.searchParams].filter(([k]) => !CREDENTIAL_PARAM.test(k) && k !== 'after');
    params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    what = JSON.stringify([u.protocol, u.host, u.pathname, params]);
  } catch {
    what = JSON.stringify(['invalid', url]);
  }
  const digest = scryptSync(what, 'gate-ops relay identity', 16).toString('base64url');
  return `${redactUrl(url)} #${digest}`;
}

/**
 * Whether a stored identity is this relay's. An identity stored before identities were digested
 * was the plain URL (credentials and all): it still matches, and the caller replaces it.
 */
export function isSameRelay(stored: string | null, url: string): boolean {
  if (stored === null) return false;
  const identity = relayIdentity(url);
  return stored === identity || (isLegacyIdentity(stored) && relayIdentity(stored) === identity);
}

/** A plain URL stored as the cursor's relay (before identities were digested). */
export function isLegacyIdentity(stored: string): boolean {
  return stored !== DEMO_RELAY && !stored.includes(' #');
}
