/**
 * The relay token in headless mode, where there is no OS keychain: from the environment variable
 * GATE_OPS_RELAY_TOKEN, else from a token file that only its owner can read. A file readable by
 * group or others is refused with a message saying how to fix it, never read. On Windows, POSIX
 * mode bits mean nothing (access is governed by ACLs on the user's profile), so no mode check.
 */
import { lstat, readFile, rm } from 'node:fs/promises';
import { ServiceError, relayTokenSchema, type RelayTokenStatus } from '../../shared/api';
import { writeFileAtomic } from './atomic-file';
import type { SecretStore } from './secret-store';

export const RELAY_TOKEN_ENV = 'GATE_OPS_RELAY_TOKEN';
export const RELAY_TOKEN_FILE_ENV = 'GATE_OPS_RELAY_TOKEN_FILE';
export const RELAY_TOKEN_FILE_NAME = 'relay-token';

export interface HeadlessSecretStoreOptions {
  /** Usually process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The token file: GATE_OPS_RELAY_TOKEN_FILE if set, else <dataDir>/relay-token. */
  readonly tokenFile: string;
  readonly platform?: NodeJS.Platform;
}

/** A token problem the user must fix; the message never contains the token. */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
}

export function headlessTokenFile(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const fromEnv = env[RELAY_TOKEN_FILE_ENV]?.trim();
  return fromEnv ? fromEnv : `${dataDir.replace(/[\\/]+$/, '')}/${RELAY_TOKEN_FILE_NAME}`;
}

export function createHeadlessSecretStore(options: HeadlessSecretStoreOptions): SecretStore {
  const { env, tokenFile } = options;
  const platform = options.platform ?? process.platform;

  const fromEnv = (): string | null => {
    const value = env[RELAY_TOKEN_ENV]?.trim();
    return value ? value : null;
  };

  /** null: no file. Throws TokenFileError when the file exists but must not be used. */
  const readFromFile = async (): Promise<string | null> => {
    let info;
    try {
      info = await lstat(tokenFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new TokenFileError(
        `cannot read the relay token file ${tokenFile}: ${errorCode(error)}`,
      );
    }
    if (!info.isFile()) {
      // A symlink could point anywhere (and its own mode bits are meaningless).
      throw new TokenFileError(`the relay token file ${tokenFile} is not a regular file`);
    }
    if (platform !== 'win32') {
      if ((info.mode & 0o077) !== 0) {
        const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
        throw new TokenFileError(
          `refusing the relay token file ${tokenFile}: other users can read it (mode ${mode}); ` +
            `run: chmod 600 '${tokenFile}'`,
        );
      }
      if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
        throw new TokenFileError(
          `refusing the relay token file ${tokenFile}: it belongs to another user (uid ${info.uid})`,
        );
      }
    }
    let text: string;
    try {
      text = await readFile(tokenFile, 'utf8');
    } catch (error) {
      throw new TokenFileError(
        `cannot read the relay token file ${tokenFile}: ${errorCode(error)}`,
      );
    }
    const token = text.trim();
    if (!token) return null;
    if (!relayTokenSchema.safeParse(token).success) {
      throw new TokenFileError(
        `the relay token file ${tokenFile} does not hold a valid token (printable ASCII, no spaces)`,
      );
    }
    return token;
  };

  const envOwned = (): ServiceError =>
    new ServiceError(
      'forbidden',
      `the relay token comes from the ${RELAY_TOKEN_ENV} environment variable; change it there`,
    );

  return {
    async status(): Promise<RelayTokenStatus> {
      if (fromEnv() !== null) {
        return {
          isSet: true,
          source: 'env',
          canChange: false,
          note: `set by the ${RELAY_TOKEN_ENV} environment variable`,
        };
      }
      try {
        const token = await readFromFile();
        return token === null
          ? { isSet: false, source: 'none', canChange: true }
          : { isSet: true, source: 'file', canChange: true };
      } catch (error) {
        return { isSet: false, source: 'file', canChange: true, note: messageOf(error) };
      }
    },

    async read(): Promise<string | null> {
      return fromEnv() ?? (await readFromFile());
    },

    async write(token: string): Promise<void> {
      if (fromEnv() !== null) throw envOwned();
      try {
        await writeFileAtomic(tokenFile, `${token}\n`, { mode: 0o600 });
      } catch (error) {
        throw new ServiceError(
          'unavailable',
          `could not save the relay token to ${tokenFile}: ${errorCode(error)}`,
        );
      }
    },

    async clear(): Promise<void> {
      if (fromEnv() !== null) throw envOwned();
      await rm(tokenFile, { force: true });
    },
  };
}

/** Only the errno code: fs messages are safe, but keep them short and token-free by design. */
function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? 'unexpected error';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
