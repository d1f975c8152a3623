/**
 * The settings service: Settings (shared/settings.ts) kept in the database's `state` collection
 * (document `settings`), validated with zod on every read and write, defaults filled in. A damaged
 * document never stops the app: each section that fails validation falls back to its defaults
 * with a logged warning, and the damaged value is copied to `settings-damaged` so it is not lost
 * when the next update overwrites it. The relay token and the NATS secret go through their
 * SecretStores, never the doc.
 *
 * Changes are observable: `onChange` for everything (the settings view, activity thresholds) and
 * `onRelayTargetChange` when the relay URL or token changed, which the core uses to reconnect.
 */
import type { RxCollection } from 'rxdb';
import {
  ServiceError,
  type RelayTokenStatus,
  type SettingsPatch,
  type SettingsView,
} from '../../shared/api';
import type { NatsSecretValue } from '../../shared/nats-sync';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../shared/settings';
import type { StateDoc } from '../db';
import { redactSecrets } from '../../shared/redact';
import { natsSecretStatus, readNatsSecretFrom, writeNatsSecretTo } from './nats-secret';
import type { SecretStore } from './secret-store';

export const SETTINGS_DOC_ID = 'settings';
export const DAMAGED_SETTINGS_DOC_ID = 'settings-damaged';

export interface SettingsLog {
  warn(message: string): void;
}

export interface RelayTarget {
  /** null: no relay configured, the built-in demo relay runs. */
  readonly url: string | null;
  readonly token: string | null;
  /** Why the token could not be read (a refused token file, …), already redacted. */
  readonly tokenProblem?: string;
}

export interface SettingsChange {
  readonly settings: Settings;
  readonly previous: Settings;
  readonly view: SettingsView;
  /** The relay URL or token changed: the relay client should reconnect to the new target. */
  readonly relayTargetChanged: boolean;
  /** The NATS sync settings or the NATS secret changed: NATS sync should start over. */
  readonly natsChanged: boolean;
}

export interface SettingsService {
  /** The current settings (always valid; defaults where nothing valid is stored). */
  get(): Settings;
  view(): Promise<SettingsView>;
  update(patch: Readonly<SettingsPatch>): Promise<SettingsView>;
  setRelayToken(token: string): Promise<SettingsView>;
  clearRelayToken(): Promise<SettingsView>;
  relayTarget(): Promise<RelayTarget>;
  setNatsSecret(secret: NatsSecretValue): Promise<SettingsView>;
  clearNatsSecret(): Promise<SettingsView>;
  /** The saved NATS secret, or null; throws (redacted) when it is there but unusable. */
  natsSecret(): Promise<NatsSecretValue | null>;
  onChange(listener: (change: SettingsChange) => void): () => void;
  onRelayTargetChange(listener: (target: RelayTarget) => void): () => void;
}

export interface SettingsServiceOptions {
  readonly state: RxCollection<StateDoc>;
  readonly secrets: SecretStore;
  readonly log?: SettingsLog;
  readonly now?: () => number;
  /**
   * A relay this run was told to use (headless `--relay`): it wins over the saved relay URL,
   * which is still saved for later runs; the view carries `note` so the Settings view says so.
   */
  readonly relayOverride?: { readonly url: string; readonly note: string };
  /** Where the NATS secret lives (absent: it cannot be saved on this host). */
  readonly natsSecrets?: SecretStore;
  /** This run syncs over NATS as its command line says; the view carries `note`. */
  readonly natsOverride?: { readonly note: string };
}

type Section = keyof Settings;
const SECTIONS = Object.keys(settingsSchema.shape) as Section[];

/** Parses a stored value; salvages valid sections of a damaged one. Exported for tests. */
export function parseStoredSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const whole = settingsSchema.safeParse(raw ?? {});
  if (whole.success) return { settings: whole.data, problems: [] };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { settings: DEFAULT_SETTINGS, problems: ['(document): not an object'] };
  }
  const record = raw as Record<string, unknown>;
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const section of SECTIONS) {
    const parsed = settingsSchema.shape[section].safeParse(record[section]);
    if (parsed.success) {
      settings[section] = parsed.data;
    } else {
      settings[section] = DEFAULT_SETTINGS[section];
      problems.push(
        ...parsed.error.issues.map((i) => `${[section, ...i.path].join('.')}: ${i.message}`),
      );
    }
  }
  return { settings: settingsSchema.parse(settings), problems };
}

function applyPatch(current: Settings, patch: Readonly<SettingsPatch>): Settings {
  const merged = {
    relayUrl: patch.relayUrl === undefined ? current.relayUrl : patch.relayUrl,
    thresholds: { ...current.thresholds, ...stripUndefined(patch.thresholds) },
    display: { ...current.display, ...stripUndefined(patch.display) },
    notifications: { ...current.notifications, ...stripUndefined(patch.notifications) },
    capacity: patch.capacity ?? current.capacity,
    natsSync: patch.natsSync ?? current.natsSync,
    // Not in the patch (yet): kept as it is, never reset by another section's update.
    laptopName: current.laptopName,
  };
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ServiceError(
      'bad_request',
      `invalid settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function openSettingsService(
  options: SettingsServiceOptions,
): Promise<SettingsService> {
  const { state, secrets, relayOverride, natsSecrets, natsOverride } = options;
  const log = options.log ?? { warn: (m: string) => console.warn(`[settings] ${m}`) };
  const now = options.now ?? Date.now;

  let current: Settings = DEFAULT_SETTINGS;
  const doc = await state.findOne(SETTINGS_DOC_ID).exec();
  if (doc) {
    const raw: unknown = doc.toJSON().value;
    const { settings, problems } = parseStoredSettings(raw);
    current = settings;
    if (problems.length > 0) {
      log.warn(
        `stored settings are damaged; using defaults for the damaged parts (${problems.join('; ')}). ` +
          `The stored value was kept as "${DAMAGED_SETTINGS_DOC_ID}".`,
      );
      await state.upsert({
        id: DAMAGED_SETTINGS_DOC_ID,
        value: { raw: raw as never, problems, keptAt: now() },
        updatedAt: now(),
      });
    }
  }

  const changeListeners = new Set<(change: SettingsChange) => void>();
  const targetListeners = new Set<(target: RelayTarget) => void>();
  // Writes one at a time, so two quick patches never interleave read-merge-write.
  let queue: Promise<unknown> = Promise.resolve();
  const serialize = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const tokenStatus = async (): Promise<RelayTokenStatus> => {
    try {
      return await secrets.status();
    } catch (error) {
      return {
        isSet: false,
        source: 'none',
        canChange: false,
        note: redactSecrets(error instanceof Error ? error.message : String(error)),
      };
    }
  };

  /** Refuses (forbidden) when the secret store says the token cannot be changed from here. */
  const requireNatsSecretChangeable = async (): Promise<void> => {
    const status = await natsSecretStatus(natsSecrets);
    if (!status.canChange) {
      throw new ServiceError('forbidden', status.note ?? 'the NATS secret cannot be changed here');
    }
  };

  const requireTokenChangeable = async (): Promise<void> => {
    const status = await tokenStatus();
    if (!status.canChange) {
      throw new ServiceError('forbidden', status.note ?? 'the relay token cannot be changed here');
    }
  };

  const view = async (): Promise<SettingsView> => ({
    settings: current,
    relayToken: await tokenStatus(),
    natsSecret: await natsSecretStatus(natsSecrets),
    ...(relayOverride ? { relayUrlNote: relayOverride.note } : {}),
    ...(natsOverride ? { natsSyncNote: natsOverride.note } : {}),
  });
  const relayUrl = (): string | null => relayOverride?.url ?? current.relayUrl;

  const relayTarget = async (): Promise<RelayTarget> => {
    try {
      return { url: relayUrl(), token: await secrets.read() };
    } catch (error) {
      const problem = redactSecrets(error instanceof Error ? error.message : String(error));
      log.warn(`relay token unavailable: ${problem}`);
      return { url: relayUrl(), token: null, tokenProblem: problem };
    }
  };

  const notify = async (
    previous: Settings,
    relayTargetChanged: boolean,
    natsChanged = false,
  ): Promise<SettingsView> => {
    const nextView = await view();
    const change: SettingsChange = {
      settings: current,
      previous,
      view: nextView,
      relayTargetChanged,
      natsChanged,
    };
    for (const listener of [...changeListeners]) {
      try {
        listener(change);
      } catch (error) {
        log.warn(`a settings listener failed: ${redactSecrets(String(error))}`);
      }
    }
    if (relayTargetChanged && targetListeners.size > 0) {
      const target = await relayTarget();
      for (const listener of [...targetListeners]) {
        try {
          listener(target);
        } catch (error) {
          log.warn(`a relay target listener failed: ${redactSecrets(String(error))}`);
        }
      }
    }
    return nextView;
  };

  return {
    get: () => current,
    view,
    relayTarget,

    update: (patch) =>
      serialize(async () => {
        const previous = current;
        const next = applyPatch(current, patch);
        await state.upsert({ id: SETTINGS_DOC_ID, value: next, updatedAt: now() });
        current = next;
        return notify(
          previous,
          !relayOverride && previous.relayUrl !== next.relayUrl,
          JSON.stringify(previous.natsSync) !== JSON.stringify(next.natsSync),
        );
      }),

    setRelayToken: (token) =>
      serialize(async () => {
        await requireTokenChangeable();
        await secrets.write(token);
        return notify(current, true);
      }),

    clearRelayToken: () =>
      serialize(async () => {
        await requireTokenChangeable();
        await secrets.clear();
        return notify(current, true);
      }),

    setNatsSecret: (secret) =>
      serialize(async () => {
        await requireNatsSecretChangeable();
        await writeNatsSecretTo(natsSecrets, secret);
        return notify(current, false, true);
      }),

    clearNatsSecret: () =>
      serialize(async () => {
        await requireNatsSecretChangeable();
        await natsSecrets?.clear();
        return notify(current, false, true);
      }),

    async natsSecret() {
      try {
        return await readNatsSecretFrom(natsSecrets);
      } catch (error) {
        throw new Error(redactSecrets(error instanceof Error ? error.message : String(error)));
      }
    },

    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },

    onRelayTargetChange(listener) {
      targetListeners.add(listener);
      return () => targetListeners.delete(listener);
    },
  };
}
