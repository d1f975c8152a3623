/**
 * The NATS secret Settings keep (a password, a creds file's text or an nkey seed), stored in a
 * SecretStore like the relay token: the OS keychain in the Electron app, an owner-only file in
 * the data folder in headless mode. Stored as `{kind, value}` JSON, so a secret saved for one way
 * of authenticating is never used for another. Never in the settings document, the API or a log.
 */
import { ServiceError } from '../../shared/api';
import type { NatsSecretStatus } from '../../shared/api/channels/settings';
import { natsSecretSchema, type NatsSecretValue } from '../../shared/nats-sync';
import { createHeadlessSecretStore } from './headless-secret-store';
import type { SecretStore } from './secret-store';

export const NATS_SECRET_FILE_NAME = 'nats-secret';

/** What is wrong with a stored value (never quoting it), or null. */
function storedProblem(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not a saved NATS secret';
  }
  const r = natsSecretSchema.safeParse(parsed);
  return r.success ? null : 'is not a usable NATS secret; set it again in Settings';
}

export function encodeNatsSecret(secret: NatsSecretValue): string {
  return JSON.stringify({ kind: secret.kind, value: secret.value });
}

/** The secret in a store's text; throws (without quoting it) when it cannot be one. */
export function decodeNatsSecret(text: string): NatsSecretValue {
  const problem = storedProblem(text);
  if (problem) throw new Error(`the saved NATS secret ${problem}`);
  return natsSecretSchema.parse(JSON.parse(text));
}

/** Headless mode: `<dataDir>/nats-secret`, owner-only (the one secret-file reader's rules). */
export function headlessNatsSecretStore(dataDir: string, platform?: NodeJS.Platform): SecretStore {
  return createHeadlessSecretStore({
    env: {},
    tokenFile: `${dataDir.replace(/[\\/]+$/, '')}/${NATS_SECRET_FILE_NAME}`,
    ...(platform ? { platform } : {}),
    secret: { what: 'NATS secret', envVar: null, validate: storedProblem },
  });
}

/** The secret as a Settings view may see it: set or not, which kind, where; never the value. */
export async function natsSecretStatus(store: SecretStore | undefined): Promise<NatsSecretStatus> {
  if (!store) {
    return {
      isSet: false,
      kind: null,
      source: 'none',
      canChange: false,
      note: 'this app cannot keep a NATS secret',
    };
  }
  let status;
  try {
    status = await store.status();
  } catch (error) {
    return { isSet: false, kind: null, source: 'none', canChange: false, note: messageOf(error) };
  }
  if (!status.isSet) return { ...status, kind: null };
  try {
    const text = await store.read();
    if (text === null) return { ...status, isSet: false, kind: null };
    return { ...status, kind: decodeNatsSecret(text).kind };
  } catch (error) {
    return { ...status, isSet: false, kind: null, note: messageOf(error) };
  }
}

export async function readNatsSecretFrom(
  store: SecretStore | undefined,
): Promise<NatsSecretValue | null> {
  const text = (await store?.read()) ?? null;
  return text === null ? null : decodeNatsSecret(text);
}

export async function writeNatsSecretTo(
  store: SecretStore | undefined,
  secret: NatsSecretValue,
): Promise<void> {
  if (!store) throw new ServiceError('unavailable', 'this app cannot keep a NATS secret');
  await store.write(encodeNatsSecret(natsSecretSchema.parse(secret)));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
