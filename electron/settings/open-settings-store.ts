/**
 * Opens the settings service on its own small database, `<dataDir>/gate-ops-settings.sqlite`
 * (the `state` collection, document `settings`). Why not inside the event database: the core
 * keeps the demo's data and a real event's in separate files, and the relay URL in the settings
 * decides which of them opens; settings must also outlive a core restart when that URL changes.
 */
import { openStore, type Store, type StoreKind } from '../db/open-store';
import { StorageDamagedError } from '../storage';
import { createHeadlessSecretStore, headlessTokenFile } from './headless-secret-store';
import type { SecretStore } from './secret-store';
import { openSettingsService, type SettingsLog, type SettingsService } from './settings-service';

export const SETTINGS_DATABASE_NAME = 'gate-ops-settings';

export interface SettingsStoreOptions {
  readonly dataDir: string;
  readonly secrets: SecretStore;
  /** 'memory' for tests. */
  readonly storage?: StoreKind;
  readonly log?: SettingsLog;
}

export interface SettingsStore {
  readonly settings: SettingsService;
  readonly file: string | null;
  close(): Promise<void>;
}

export async function openSettingsStore(options: SettingsStoreOptions): Promise<SettingsStore> {
  const name =
    options.storage === 'memory'
      ? `${SETTINGS_DATABASE_NAME}-${Math.random().toString(36).slice(2)}`
      : SETTINGS_DATABASE_NAME;
  let store: Store;
  try {
    store = await openStore(options.dataDir, options.storage ?? 'sqlite', name);
  } catch (error) {
    if (!(error instanceof StorageDamagedError)) throw error;
    // Settings are a few small values with defaults: better to start with defaults than not to
    // start. The damaged file was kept aside (never deleted) and the message says where.
    (options.log ?? { warn: (m: string) => console.warn(`[settings] ${m}`) }).warn(
      `${error.message} Gate Ops continues with default settings.`,
    );
    store = await openStore(options.dataDir, options.storage ?? 'sqlite', name);
  }
  try {
    const settings = await openSettingsService({
      state: store.db.state,
      secrets: options.secrets,
      ...(options.log ? { log: options.log } : {}),
    });
    return { settings, file: store.file, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Headless mode's settings: the same store, with the relay token from GATE_OPS_RELAY_TOKEN or an
 * owner-only token file (GATE_OPS_RELAY_TOKEN_FILE, else <dataDir>/relay-token). Pass
 * `store.settings` as `services.settings` to the dashboard host to serve the settings channels.
 */
export function openHeadlessSettingsStore(options: {
  readonly dataDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly storage?: StoreKind;
  readonly log?: SettingsLog;
}): Promise<SettingsStore> {
  return openSettingsStore({
    dataDir: options.dataDir,
    secrets: createHeadlessSecretStore({
      env: options.env,
      tokenFile: headlessTokenFile(options.dataDir, options.env),
    }),
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}
