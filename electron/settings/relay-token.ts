/**
 * Which secret store holds the relay token in headless mode, from its command line:
 * `--token-file F` (read once, by the one token-file reader), else the `GATE_OPS_RELAY_TOKEN`
 * environment variable, else `--token T` (visible to other users in the process list, so
 * discouraged), else the token saved from the Settings view (an owner-only file in the data
 * folder, see ./headless-secret-store.ts). A token given on the command line cannot be changed
 * from the Settings view, and its status says where it came from. The token is never printed.
 */
import { ServiceError, type RelayTokenStatus } from '../../shared/api';
import {
  createHeadlessSecretStore,
  headlessTokenFile,
  RELAY_TOKEN_ENV,
} from './headless-secret-store';
import type { SecretStore } from './secret-store';
import { readTokenFile } from './token-file';

export interface TokenFlags {
  readonly token?: string | undefined;
  readonly tokenFile?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where Settings saves the token when no flag or variable gives one. */
  readonly dataDir: string;
  readonly platform?: NodeJS.Platform;
}

/** Throws TokenFileError when `--token-file` names a file that must not be used. */
export async function headlessTokenStore(flags: TokenFlags): Promise<SecretStore> {
  if (flags.tokenFile) {
    const token = await readTokenFile(flags.tokenFile, flags.platform);
    return fixedSecretStore(token, {
      isSet: true,
      source: 'file',
      canChange: false,
      note: `read from ${flags.tokenFile} (--token-file); change the file and restart to use another`,
    });
  }
  const envToken = flags.env[RELAY_TOKEN_ENV]?.trim();
  if (!envToken && flags.token) {
    return fixedSecretStore(flags.token, {
      isSet: true,
      source: 'command-line',
      canChange: false,
      note: 'given with --token on the command line; restart without it to use the one saved here',
    });
  }
  return createHeadlessSecretStore({
    env: flags.env,
    tokenFile: headlessTokenFile(flags.dataDir, flags.env),
    ...(flags.platform ? { platform: flags.platform } : {}),
  });
}

/**
 * The token a command line gives, in the same order (`--token-file`, the environment variable,
 * `--token`), or null when it gives none. For commands with no saved settings (`relay-sim`).
 */
export async function readRelayToken(flags: Omit<TokenFlags, 'dataDir'>): Promise<string | null> {
  if (flags.tokenFile) return readTokenFile(flags.tokenFile, flags.platform);
  const fromEnv = flags.env[RELAY_TOKEN_ENV]?.trim();
  if (fromEnv) return fromEnv;
  return flags.token ? flags.token : null;
}

/** A token this run was given and cannot change. */
function fixedSecretStore(token: string, status: RelayTokenStatus): SecretStore {
  const refuse = (): Promise<never> =>
    Promise.reject(new ServiceError('forbidden', status.note ?? 'the relay token is fixed'));
  return {
    status: () => Promise.resolve(status),
    read: () => Promise.resolve(token),
    write: refuse,
    clear: refuse,
  };
}
