/**
 * Reads NATS secrets the way the relay token is read: from a file only its owner can read (or,
 * for a password, `GATE_OPS_NATS_PASSWORD`). Messages name the file, never its content.
 */
import { readFile, stat } from 'node:fs/promises';
import { NatsConfigError, type NatsAuthConfig } from './nats-config';

export type NatsSecret =
  | { readonly kind: 'none' }
  | { readonly kind: 'user'; readonly user: string; readonly password: string }
  | { readonly kind: 'creds'; readonly creds: Uint8Array }
  | { readonly kind: 'nkey'; readonly seed: Uint8Array };

async function readOwnerOnly(file: string, what: string): Promise<string> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new NatsConfigError(`cannot read the ${what} ${file}`);
  }
  if (!info.isFile()) throw new NatsConfigError(`the ${what} ${file} is not a file`);
  if (process.platform !== 'win32') {
    if ((info.mode & 0o077) !== 0) {
      throw new NatsConfigError(
        `the ${what} ${file} can be read by others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`,
      );
    }
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid)
      throw new NatsConfigError(`the ${what} ${file} belongs to another user`);
  }
  const text = (await readFile(file, 'utf8')).trim();
  if (!text) throw new NatsConfigError(`the ${what} ${file} is empty`);
  return text;
}

export async function readNatsSecret(
  auth: NatsAuthConfig,
  env: NodeJS.ProcessEnv,
): Promise<NatsSecret> {
  switch (auth.kind) {
    case 'none':
      return auth;
    case 'user': {
      const password = auth.passwordFile
        ? await readOwnerOnly(auth.passwordFile, 'NATS password file')
        : env['GATE_OPS_NATS_PASSWORD']?.trim();
      if (!password) {
        throw new NatsConfigError(
          `the NATS user ${auth.user} needs a password: --sync-nats-password-file FILE or GATE_OPS_NATS_PASSWORD`,
        );
      }
      return { kind: 'user', user: auth.user, password };
    }
    case 'creds': {
      const text = await readOwnerOnly(auth.credsFile, 'NATS creds file');
      if (
        !text.includes('-----BEGIN NATS USER JWT-----') ||
        !text.includes('-----BEGIN USER NKEY SEED-----')
      ) {
        throw new NatsConfigError(
          `the NATS creds file ${auth.credsFile} holds no user JWT and seed`,
        );
      }
      return { kind: 'creds', creds: new TextEncoder().encode(text) };
    }
    case 'nkey': {
      const text = await readOwnerOnly(auth.seedFile, 'NATS nkey seed file');
      const seed = text.split(/\s+/).find((w) => /^SU[A-Z2-7]{56}$/.test(w));
      if (!seed)
        throw new NatsConfigError(
          `the NATS nkey seed file ${auth.seedFile} holds no user seed (SU…)`,
        );
      return { kind: 'nkey', seed: new TextEncoder().encode(seed) };
    }
  }
}
