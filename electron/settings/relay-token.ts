/**
 * Where the relay token comes from on the command line: `--token-file` (a file only its owner can
 * read), the `GATE_OPS_RELAY_TOKEN` environment variable, or `--token` (visible to other users in
 * the process list, so discouraged). The token is never printed.
 */
import { readFile, stat } from 'node:fs/promises';

export interface TokenSources {
  readonly token?: string | undefined;
  readonly tokenFile?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
}

export async function readRelayToken(sources: TokenSources): Promise<string | null> {
  if (sources.tokenFile) {
    let info;
    try {
      info = await stat(sources.tokenFile);
    } catch {
      throw new TokenError(`cannot read the token file ${sources.tokenFile}`);
    }
    if (!info.isFile()) throw new TokenError(`the token file ${sources.tokenFile} is not a file`);
    if (process.platform !== 'win32') {
      if ((info.mode & 0o077) !== 0) {
        throw new TokenError(
          `the token file ${sources.tokenFile} can be read by others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`,
        );
      }
      const uid = process.getuid?.();
      if (uid !== undefined && info.uid !== uid) {
        throw new TokenError(`the token file ${sources.tokenFile} belongs to another user`);
      }
    }
    const token = (await readFile(sources.tokenFile, 'utf8')).trim();
    if (!token) throw new TokenError(`the token file ${sources.tokenFile} is empty`);
    return token;
  }
  const fromEnv = sources.env['GATE_OPS_RELAY_TOKEN']?.trim();
  if (fromEnv) return fromEnv;
  if (sources.token) return sources.token;
  return null;
}
