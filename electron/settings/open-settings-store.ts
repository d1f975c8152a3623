/**
 * Opens the settings service on its own small database, `<dataDir>/gate-ops-settings.sqlite`
 * (the `state` collection, document `settings`). Why not inside the event database: the core
 * keeps the demo's data and a real event's in separate files, and the relay URL in the settings
 * decides which of them opens; settings must also outlive a core restart when that URL changes.
 */
import { openStore, type OpenStore, type Store } from '../db';
import { StorageDamagedError } from '../storage';
import type { SecretStore } from './secret-store';
import {
  openSettingsService,
  type SettingsLog,
  type SettingsService,
  type SettingsServiceOptions,
} from './settings-service';

export const SETTINGS_DATABASE_NAME = 'gate-ops-settings';

export interface SettingsStoreOptions {
  readonly dataDir: string;
  readonly secrets: SecretStore;
  readonly relayOverride?: SettingsServiceOptions['relayOverride'];
  readonly natsSecrets?: SecretStore;
  readonly natsOverride?: SettingsServiceOptions['natsOverride'];
  /** How the store opens (tests pass an in-memory one); default: the SQLite file. */
  readonly open?: OpenStore;
  readonly log?: SettingsLog;
}

export interface SettingsStore {
  readonly settings: SettingsService;
  readonly file: string | null;
  close(): Promise<void>;
}

export async function openSettingsStore(options: SettingsStoreOptions): Promise<SettingsStore> {
  const open = options.open ?? openStore;
  let store: Store;
  try {
    store = await open(options.dataDir, SETTINGS_DATABASE_NAME);
  } catch (error) {
    if (!(error instanceof StorageDamagedError)) throw error;
    // Settings are a few small values with defaults: better to start with defaults than not to
    // start. The damaged file was kept aside (never deleted) and the message says where.
    (options.log ?? { warn: (m: string) => console.warn(`[settings] ${m}`) }).warn(
      `${error.message} Gate Ops continues with default settings.`,
    );
    store = await open(options.dataDir, SETTINGS_DATABASE_NAME);
  }
  if (store.startup?.movedAside) {
    (options.log ?? { warn: (m: string) => console.warn(`[settings] ${m}`) }).warn(
      `The settings database was damaged (${store.startup.reason ?? 'check failed'}); it was ` +
        `kept aside as ${store.startup.movedAside} (never deleted). Gate Ops continues with ` +
        'default settings.',
    );
  }
  try {
    const settings = await openSettingsService({
      state: store.db.state,
      secrets: options.secrets,
      ...(options.relayOverride ? { relayOverride: options.relayOverride } : {}),
      ...(options.natsSecrets ? { natsSecrets: options.natsSecrets } : {}),
      ...(options.natsOverride ? { natsOverride: options.natsOverride } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    return { settings, file: store.file, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
