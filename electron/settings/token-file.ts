/**
 * The one reader of secret files, with one rule set for every caller (the relay token file in
 * the data folder that Settings writes, `gate-ops headless --token-file`, the NATS secret Settings
 * saves in headless mode, and NATS password, creds and nkey seed files): a regular file, not a
 * symlink (it could point anywhere, and its own mode bits mean nothing), readable by its owner
 * only and owned by the user running Gate Ops, holding what the caller expects. Windows governs
 * access with ACLs on the user's profile, so POSIX mode and owner are not checked there.
 * Messages name the file and the fix, never its content.
 */
import { lstat, readFile } from 'node:fs/promises';
import { relayTokenSchema } from '../../shared/api';

export type TokenFileProblem = 'missing' | 'empty' | 'unreadable' | 'unsafe' | 'invalid';

/** A secret file that must not be used; `problem` lets a caller treat a missing file as "no secret". */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
  constructor(
    readonly problem: TokenFileProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface SecretFileRules {
  /** What the file is, for messages: "relay token file", "NATS creds file". */
  readonly what: string;
  /** Null when the (trimmed, non-empty) content is usable, else what is wrong, without quoting it. */
  readonly validate?: (text: string) => string | null;
  readonly platform?: NodeJS.Platform;
}

/** The trimmed content of an owner-only secret file; throws TokenFileError saying why not. */
export async function readSecretFile(file: string, rules: SecretFileRules): Promise<string> {
  const { what } = rules;
  const platform = rules.platform ?? process.platform;
  let info;
  try {
    info = await lstat(file);
  } catch (error) {
    throw new TokenFileError(
      errorCode(error) === 'ENOENT' ? 'missing' : 'unreadable',
      `cannot read the ${what} ${file}: ${errorCode(error)}`,
    );
  }
  if (!info.isFile()) {
    throw new TokenFileError('unsafe', `the ${what} ${file} is not a regular file`);
  }
  if (platform !== 'win32') {
    if ((info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
      throw new TokenFileError(
        'unsafe',
        `refusing the ${what} ${file}: other users can read it (mode ${mode}); ` +
          `run: chmod 600 '${file}'`,
      );
    }
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
      throw new TokenFileError(
        'unsafe',
        `refusing the ${what} ${file}: it belongs to another user (uid ${info.uid})`,
      );
    }
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TokenFileError('unreadable', `cannot read the ${what} ${file}: ${errorCode(error)}`);
  }
  const content = text.trim();
  if (!content) throw new TokenFileError('empty', `the ${what} ${file} is empty`);
  const problem = rules.validate?.(content) ?? null;
  if (problem !== null) {
    throw new TokenFileError('invalid', `the ${what} ${file} ${problem}`);
  }
  return content;
}

export function readTokenFile(
  file: string,
  platform: NodeJS.Platform = process.platform,
): Promise<string> {
  return readSecretFile(file, {
    what: 'relay token file',
    platform,
    validate: (token) =>
      relayTokenSchema.safeParse(token).success
        ? null
        : 'does not hold a valid token (printable ASCII, no spaces)',
  });
}

/** Only the errno code: short, and secret-free by design. */
export function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? 'unexpected error';
}
