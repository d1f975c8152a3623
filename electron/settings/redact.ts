/**
 * Keeps secrets out of messages: errors from sockets, HTTP libraries and file systems sometimes
 * quote the request (an Authorization header, a URL with ?token=). Every message about the relay
 * link goes through this before it is logged or shown.
 */
const REDACTED = '[redacted]';

/** Replaces every occurrence of the known secrets and anything that looks like a bearer token. */
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
    .replace(/(\bbearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`)
    .replace(/(\bauthorization["']?\s*[:=]\s*["']?)(?!bearer\b)[^\s"',;]+/gi, `$1${REDACTED}`)
    .replace(/([?&](?:token|access_token|auth)=)[^&\s"']+/gi, `$1${REDACTED}`);
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
