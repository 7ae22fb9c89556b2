/**
 * The user's settings, kept as one JSON file in the profile's userData folder.
 *
 * Reading never fails the app: a missing file starts from defaults, and a corrupt or invalid one is
 * logged, kept beside as `settings.json.bad` for whoever wants to recover it, and replaced by
 * defaults. Writes go to a temporary file that is flushed and then renamed over the old one, so a
 * crash mid-write leaves either the old or the new settings, never half of each.
 */
import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute } from 'node:path';
import { NO_NETWORK_DEFAULTS, type NetworkDefaults } from '../../../contracts/network-defaults';
import { err, ok, type Result } from '../../../contracts/result';
import { MAX_DEVICE_NAME_LENGTH } from '../../../contracts/peer-protocol';
import { settingsPatchSchema, settingsSchema, type Settings } from '../../../contracts/settings';
import type { Logger } from './logger';

/** The parts of `node:fs/promises` the store uses; tests may pass the real module. */
export interface SettingsFileSystem {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, options: { encoding: 'utf8'; flush: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
}

export interface SettingsStoreOptions {
  /** Absolute path of `settings.json`; its folder is created when missing (a new profile). */
  readonly file: string;
  readonly fs: SettingsFileSystem;
  /** The computer's name, the default device name. */
  readonly hostName: string;
  /**
   * The person's account name on this computer, put before the computer's name in the suggested
   * device name ("ada (adas-mbp)"), so two people's sessions on one machine differ. Empty: none.
   */
  readonly userName?: string;
  /** Where received files go unless the user chose a folder: `<Downloads>/Ferry`. */
  readonly defaultReceiveFolder: string;
  readonly logger: Logger;
  /** The internet service and ICE servers this build starts with; none by default. */
  readonly networkDefaults?: NetworkDefaults;
  /** A new random device id; defaults to 16 bytes from node:crypto as hex. */
  readonly newDeviceId?: () => string;
}

export type SettingsListener = (settings: Settings) => void;

export interface SettingsStore {
  get(): Settings;
  /** Validates `patch` (anything a caller sent), saves, and returns the new settings. */
  update(patch: unknown): Promise<Result<Settings>>;
  /** Called after each successful update; returns an unsubscribe. */
  onChange(listener: SettingsListener): () => void;
}

const FALLBACK_DEVICE_NAME = 'Ferry device';

/**
 * Turns a host name into a device name a person would recognise: the first DNS label only
 * ("adas-mbp.local" → "adas-mbp"), after the account name when there is one ("ada (adas-mbp)"),
 * trimmed to what the peer protocol accepts. Only a suggestion: the first-run step asks.
 */
export function deviceNameFromHostName(hostName: string, userName = ''): string {
  const firstLabel = (hostName.trim().split('.')[0] ?? '').trim();
  const user = userName.trim();
  const joined = user !== '' && firstLabel !== '' ? `${user} (${firstLabel})` : user || firstLabel;
  const name = joined.slice(0, MAX_DEVICE_NAME_LENGTH).trim();
  return name.length > 0 ? name : FALLBACK_DEVICE_NAME;
}

export function defaultSettings(
  hostName: string,
  deviceId: string,
  receiveFolder = '',
  network: NetworkDefaults = NO_NETWORK_DEFAULTS,
  userName = '',
): Settings {
  return settingsSchema.parse({
    deviceId,
    deviceName: deviceNameFromHostName(hostName, userName),
    // A suggestion until the person confirms it in the first-run step.
    deviceNameChosen: false,
    language: 'system',
    signalingUrl: network.internetSignalingUrl,
    iceServers: network.iceServers,
    receiveFolder,
  });
}

const newRandomDeviceId = (): string => randomBytes(16).toString('hex');

export async function openSettingsStore(options: SettingsStoreOptions): Promise<SettingsStore> {
  const { file, fs, logger } = options;
  const newDeviceId = options.newDeviceId ?? newRandomDeviceId;

  const save = async (settings: Settings): Promise<void> => {
    const temporary = `${file}.tmp`;
    await fs.mkdir(dirname(file), { recursive: true });
    await fs.writeFile(temporary, `${JSON.stringify(settings, null, 2)}\n`, {
      encoding: 'utf8',
      flush: true,
    });
    await fs.rename(temporary, file);
  };

  // The contract lets an empty receive folder mean "the host's default"; this host always answers
  // with a real folder, so that the renderer can show it and file services can use it as is.
  const withReceiveFolder = (settings: Settings): Settings =>
    settings.receiveFolder === '' ? { ...settings, receiveFolder: options.defaultReceiveFolder } : settings;

  const startFresh = async (): Promise<Settings> => {
    const settings = defaultSettings(
      options.hostName,
      newDeviceId(),
      options.defaultReceiveFolder,
      options.networkDefaults,
      options.userName,
    );
    await save(settings);
    return settings;
  };

  const load = async (): Promise<Settings> => {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if (isMissingFile(error)) return startFresh();
      throw error;
    }
    const parsed = settingsSchema.safeParse(parseJson(text));
    if (parsed.success) return withReceiveFolder(parsed.data);
    logger.error(
      { file, issues: parsed.error.issues.slice(0, 5).map((issue) => issue.message) },
      'settings file is unreadable; keeping a copy as settings.json.bad and starting from defaults',
    );
    await fs.copyFile(file, `${file}.bad`);
    return startFresh();
  };

  let current = await load();
  const listeners = new Set<SettingsListener>();
  // Updates are applied one after another so that two quick patches cannot race on the file.
  let queue: Promise<unknown> = Promise.resolve();

  const apply = async (patch: unknown): Promise<Result<Settings>> => {
    const parsedPatch = settingsPatchSchema.safeParse(patch);
    if (!parsedPatch.success) return err('INVALID_PAYLOAD', parsedPatch.error.issues[0]?.message);
    const { receiveFolder } = parsedPatch.data;
    if (receiveFolder !== undefined && receiveFolder !== '' && !isAbsolute(receiveFolder)) {
      return err('INVALID_PAYLOAD', 'receiveFolder must be an absolute path');
    }
    const next = settingsSchema.safeParse({ ...current, ...parsedPatch.data });
    if (!next.success) return err('INVALID_PAYLOAD', next.error.issues[0]?.message);
    const settings = withReceiveFolder(next.data);
    await save(settings);
    current = settings;
    for (const listener of listeners) {
      // A listener that throws must not turn a saved update into a reported failure.
      try {
        listener(current);
      } catch (error) {
        logger.error({ error }, 'settings listener failed');
      }
    }
    return ok(current);
  };

  return {
    get: () => current,
    update(patch) {
      const result = queue.then(() => apply(patch));
      queue = result.catch(() => undefined);
      return result;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
