/**
 * Which relay a cursor belongs to, stored with it (`cursorRelay`). A relay URL may carry
 * credentials (user info, `?access_token=`), and the database is no place for them: the identity
 * is the URL as shown (shared/redact.ts: no user info, no query values) plus a one-way digest of
 * what tells two relays apart (host, path, and query parameters not named like credentials), so
 * `?venue=A` and `?venue=B` stay two relays while a rotated token stays the same one. The digest
 * is scrypt (slow on purpose: a short query value cannot be guessed back from a stolen file).
 */
import { scrypt, scryptSync } from 'node:crypto';
import { CREDENTIAL_PARAM, redactUrl } from '../../shared/redact';

export const DEMO_RELAY = 'demo';

/**
 * Identities already digested in this process: scrypt takes about 100 ms on purpose, and opening
 * ingest needs the identity two or three times (313 ms of a start at 100k stored). Only in
 * memory, a handful of relays at most.
 */
const digested = new Map<string, string>();
const MAX_DIGESTED = 16;

export function relayIdentity(url: string): string {
  if (url === DEMO_RELAY) return DEMO_RELAY;
  const known = digested.get(url);
  if (known !== undefined) return known;
  return remember(url, digestIdentity(url));
}

/**
 * The same, digested on libuv's thread pool: a start does its other work meanwhile instead of
 * waiting on the main thread (it is remembered for the synchronous calls after it).
 */
export async function relayIdentityAsync(url: string): Promise<string> {
  if (url === DEMO_RELAY) return DEMO_RELAY;
  const known = digested.get(url);
  if (known !== undefined) return known;
  const what = identityInput(url);
  const digest = await new Promise<Buffer>((resolve, reject) =>
    scrypt(what, SALT, 16, (error, key) => (error ? reject(error) : resolve(key))),
  );
  return remember(url, `${redactUrl(url)} #${digest.toString('base64url')}`);
}

function remember(url: string, identity: string): string {
  if (digested.size >= MAX_DIGESTED) digested.clear();
  digested.set(url, identity);
  return identity;
}

const SALT = 'gate-ops relay identity';

function digestIdentity(url: string): string {
  const digest = scryptSync(identityInput(url), SALT, 16).toString('base64url');
  return `${redactUrl(url)} #${digest}`;
}

function identityInput(url: string): string {
  let what: string;
  try {
    const u = new URL(url);
    const params = [...u.searchParams].filter(([k]) => !CREDENTIAL_PARAM.test(k) && k !== 'after');
    params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    what = JSON.stringify([u.protocol, u.host, u.pathname, params]);
  } catch {
    what = JSON.stringify(['invalid', url]);
  }
  return what;
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
