/**
 * The one reader of a relay token file, with one rule set for every caller (the token file in
 * the data folder that Settings writes, and `gate-ops headless --token-file`): a regular file,
 * not a symlink (it could point anywhere, and its own mode bits mean nothing), readable by its
 * owner only and owned by the user running Gate Ops, holding one valid bearer token. Windows
 * governs access with ACLs on the user's profile, so POSIX mode and owner are not checked there.
 * Messages name the file and the fix, never the token.
 */
import { lstat, readFile } from 'node:fs/promises';
import { relayTokenSchema } from '../../shared/api';

export type TokenFileProblem = 'missing' | 'empty' | 'unreadable' | 'unsafe' | 'invalid';

/** A token file that must not be used; `problem` lets a caller treat a missing file as "no token". */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
  constructor(
    readonly problem: TokenFileProblem,
    message: string,
  ) {
    super(message);
  }
}

export async function readTokenFile(
  file: string,
  platform: NodeJS.Platform = process.platform,
): Promise<string> {
  let info;
  try {
    info = await lstat(file);
  } catch (error) {
    throw new TokenFileError(
      errorCode(error) === 'ENOENT' ? 'missing' : 'unreadable',
      `cannot read the relay token file ${file}: ${errorCode(error)}`,
    );
  }
  if (!info.isFile()) {
    throw new TokenFileError('unsafe', `the relay token file ${file} is not a regular file`);
  }
  if (platform !== 'win32') {
    if ((info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
      throw new TokenFileError(
        'unsafe',
        `refusing the relay token file ${file}: other users can read it (mode ${mode}); ` +
          `run: chmod 600 '${file}'`,
      );
    }
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
      throw new TokenFileError(
        'unsafe',
        `refusing the relay token file ${file}: it belongs to another user (uid ${info.uid})`,
      );
    }
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TokenFileError(
      'unreadable',
      `cannot read the relay token file ${file}: ${errorCode(error)}`,
    );
  }
  const token = text.trim();
  if (!token) throw new TokenFileError('empty', `the relay token file ${file} is empty`);
  if (!relayTokenSchema.safeParse(token).success) {
    throw new TokenFileError(
      'invalid',
      `the relay token file ${file} does not hold a valid token (printable ASCII, no spaces)`,
    );
  }
  return token;
}

/** Only the errno code: short, and token-free by design. */
export function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? 'unexpected error';
}
