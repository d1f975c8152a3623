/**
 * A secret in headless mode, where there is no OS keychain: the relay token (from the environment
 * variable GATE_OPS_RELAY_TOKEN, else from a token file that only its owner can read), or the NATS
 * secret Settings saves (an owner-only file, no variable). The rules are ./token-file.ts's, the one
 * secret-file reader. The Settings view writes that same file, so what is saved there is what the
 * next headless run uses.
 */
import { rm } from 'node:fs/promises';
import { ServiceError, type RelayTokenStatus } from '../../shared/api';
import { writeFileAtomic } from '../files';
import type { SecretStore } from './secret-store';
import { errorCode, readSecretFile, readTokenFile, TokenFileError } from './token-file';

export const RELAY_TOKEN_ENV = 'GATE_OPS_RELAY_TOKEN';
export const RELAY_TOKEN_FILE_ENV = 'GATE_OPS_RELAY_TOKEN_FILE';
export const RELAY_TOKEN_FILE_NAME = 'relay-token';

export interface HeadlessSecretStoreOptions {
  /** Usually process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The token file: GATE_OPS_RELAY_TOKEN_FILE if set, else <dataDir>/relay-token. */
  readonly tokenFile: string;
  readonly platform?: NodeJS.Platform;
  /**
   * Another secret than the relay token: how messages name it, the variable that may hold it
   * (null: none), and the check of the file's content. Default: the relay token's.
   */
  readonly secret?: {
    readonly what: string;
    readonly envVar: string | null;
    readonly validate: (text: string) => string | null;
  };
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
  const what = options.secret?.what ?? 'relay token';
  const envVar = options.secret ? options.secret.envVar : RELAY_TOKEN_ENV;

  const fromEnv = (): string | null => {
    const value = envVar === null ? undefined : env[envVar]?.trim();
    return value ? value : null;
  };

  /** null: no file (or an empty one). Throws TokenFileError when the file must not be used. */
  const readFromFile = async (): Promise<string | null> => {
    try {
      return options.secret
        ? await readSecretFile(tokenFile, {
            what: `${what} file`,
            platform,
            validate: options.secret.validate,
          })
        : await readTokenFile(tokenFile, platform);
    } catch (error) {
      if (
        error instanceof TokenFileError &&
        (error.problem === 'missing' || error.problem === 'empty')
      )
        return null;
      throw error;
    }
  };

  const envOwned = (): ServiceError =>
    new ServiceError(
      'forbidden',
      `the ${what} comes from the ${envVar} environment variable; change it there`,
    );

  return {
    async status(): Promise<RelayTokenStatus> {
      if (fromEnv() !== null) {
        return {
          isSet: true,
          source: 'env',
          canChange: false,
          note: `set by the ${envVar} environment variable`,
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
          `could not save the ${what} to ${tokenFile}: ${errorCode(error)}`,
        );
      }
    },

    async clear(): Promise<void> {
      if (fromEnv() !== null) throw envOwned();
      await rm(tokenFile, { force: true });
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
