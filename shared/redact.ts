/**
 * The one redactor: keeps secrets out of everything shown or stored. A relay URL can carry
 * credentials (`wss://alice:hunter2@relay/events?access_token=…`), and errors from sockets, HTTP
 * libraries and file systems sometimes quote the request (an Authorization header, the URL).
 * Every URL and message about the relay link goes through here before it is logged, shown in the
 * status, or stored (the cursor's relay identity keeps only this form plus a one-way digest).
 */
export const REDACTED = '[redacted]';

/** Query parameters that carry credentials by their name (a relay that takes a token in the URL). */
export const CREDENTIAL_PARAM =
  /^(access_?token|token|auth|authorization|bearer|jwt|key|api_?key|pass(word)?|secret|sig(nature)?)$/i;

/** What in a URL is a credential: user info, or a query parameter named like one. Null: none. */
export function urlCredentials(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.username !== '' || u.password !== '') return 'a user name or password';
  const named = [...u.searchParams.keys()].find((k) => CREDENTIAL_PARAM.test(k));
  return named === undefined ? null : `the query parameter "${named}"`;
}

/** Query parameters that are ours and never secret: the resume cursor. */
const KEPT_QUERY = new Set(['after']);

/**
 * A URL for display: no user info, every query value redacted (the names stay: they say what
 * the relay was given), no fragment. Not a URL at all: '(invalid URL)'.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(invalid URL)';
  }
  const query = [...u.searchParams.keys()].map((k) => {
    const name = encodeURIComponent(k);
    return KEPT_QUERY.has(k)
      ? `${name}=${encodeURIComponent(u.searchParams.get(k) ?? '')}`
      : `${name}=${REDACTED}`;
  });
  const auth = u.username !== '' || u.password !== '' ? `${REDACTED}@` : '';
  return `${u.protocol}//${auth}${u.host}${u.pathname}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

/** Anything that looks like a URL with a scheme, inside free text. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/**
 * Replaces every occurrence of the known secrets, anything that looks like a bearer token or an
 * Authorization value, and the user info and query values of every URL in the text.
 */
export function redactSecrets(
  text: string,
  secrets: ReadonlyArray<string | null | undefined> = [],
): string {
  let out = text;
  for (const secret of secrets) {
    // Very short strings would shred ordinary words; a real token is never that short.
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(URL_IN_TEXT, (url) => (url.includes('@') || url.includes('?') ? redactUrl(url) : url))
    .replace(/(\bbearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`)
    .replace(/(\bauthorization["']?\s*[:=]\s*["']?)(?!bearer\b)[^\s"',;]+/gi, `$1${REDACTED}`)
    .replace(
      /([?&](?:token|access_token|auth|key|api_key|apikey|password|secret|sig|signature)=)[^&\s"']+/gi,
      `$1${REDACTED}`,
    );
}

/** An Error whose message (and stack) no longer contains the secrets. */
export function redactError(
  error: unknown,
  secrets: ReadonlyArray<string | null | undefined> = [],
): Error {
  const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
  const clean = new Error(message);
  if (error instanceof Error) {
    clean.name = error.name;
    if (error.stack) clean.stack = redactSecrets(error.stack, secrets);
  }
  return clean;
}
