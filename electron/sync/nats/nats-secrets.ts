/**
 * NATS secrets, from where the command line names them (an owner-only file read by the one
 * secret-file reader of electron/settings, or `GATE_OPS_NATS_PASSWORD` for a password) or from
 * what Settings saved in the secret store. The checks of their content are shared/nats-sync's.
 * Messages name the file, never its content.
 */
import {
  findNkeySeed,
  natsSecretProblem,
  secretKindFor,
  type NatsSecretKind,
  type NatsSecretValue,
} from '../../../shared/nats-sync';
import { readSecretFile, TokenFileError } from '../../settings';
import { NatsConfigError, type NatsAuthConfig } from './nats-config';

export type NatsSecret =
  | { readonly kind: 'none' }
  | { readonly kind: 'user'; readonly user: string; readonly password: string }
  | { readonly kind: 'creds'; readonly creds: Uint8Array }
  | { readonly kind: 'nkey'; readonly seed: Uint8Array };

export const NATS_PASSWORD_ENV = 'GATE_OPS_NATS_PASSWORD';

const FILE_NAMES: Record<NatsSecretKind, string> = {
  password: 'NATS password file',
  creds: 'NATS creds file',
  nkey: 'NATS nkey seed file',
};

async function readOwnerOnly(file: string, kind: NatsSecretKind): Promise<string> {
  try {
    return await readSecretFile(file, {
      what: FILE_NAMES[kind],
      validate: (text) => natsSecretProblem(kind, text),
    });
  } catch (error) {
    if (error instanceof TokenFileError) throw new NatsConfigError(error.message);
    throw error;
  }
}

/** The secret for `auth` from its value (checked); `what` names its origin in messages. */
function fromValue(auth: NatsAuthConfig, value: string, what: string): NatsSecret {
  const kind = auth.kind === 'none' ? null : secretKindFor(auth.kind);
  if (kind === null) return { kind: 'none' };
  const problem = natsSecretProblem(kind, value);
  if (problem) throw new NatsConfigError(`the ${what} ${problem}`);
  switch (auth.kind) {
    case 'user':
      return { kind: 'user', user: auth.user, password: value };
    case 'creds':
      return { kind: 'creds', creds: new TextEncoder().encode(value) };
    default:
      return { kind: 'nkey', seed: new TextEncoder().encode(findNkeySeed(value)!) };
  }
}

/** The command line's way: the files its options name, or the password variable. */
export async function readNatsSecret(
  auth: NatsAuthConfig,
  env: NodeJS.ProcessEnv,
): Promise<NatsSecret> {
  switch (auth.kind) {
    case 'none':
      return auth;
    case 'user': {
      if (auth.passwordFile) {
        const text = await readOwnerOnly(auth.passwordFile, 'password');
        return fromValue(auth, text, FILE_NAMES.password);
      }
      const password = env[NATS_PASSWORD_ENV]?.trim();
      if (!password) {
        throw new NatsConfigError(
          `the NATS user ${auth.user} needs a password: --sync-nats-password-file FILE or ${NATS_PASSWORD_ENV}`,
        );
      }
      return fromValue(auth, password, NATS_PASSWORD_ENV);
    }
    case 'creds':
      if (!auth.credsFile) throw new NatsConfigError('--sync-nats-creds needs a file');
      return fromValue(auth, await readOwnerOnly(auth.credsFile, 'creds'), FILE_NAMES.creds);
    case 'nkey':
      if (!auth.seedFile) throw new NatsConfigError('--sync-nats-nkey needs a file');
      return fromValue(auth, await readOwnerOnly(auth.seedFile, 'nkey'), FILE_NAMES.nkey);
  }
}

/** Settings' way: the secret saved in the secret store, which must be of the kind `auth` needs. */
export function natsSecretFromSettings(
  auth: NatsAuthConfig,
  saved: NatsSecretValue | null,
): NatsSecret {
  if (auth.kind === 'none') return { kind: 'none' };
  const kind = secretKindFor(auth.kind)!;
  const name = { password: 'password', creds: 'creds file', nkey: 'nkey seed' }[kind];
  if (saved === null) throw new NatsConfigError(`no NATS ${name} is saved: set it in Settings`);
  if (saved.kind !== kind) {
    throw new NatsConfigError(
      `the saved NATS secret is a ${saved.kind === 'password' ? 'password' : `${saved.kind} secret`}, but this authentication needs a ${name}: set it in Settings`,
    );
  }
  return fromValue(auth, saved.value, `saved NATS ${name}`);
}
