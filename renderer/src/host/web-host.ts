/**
 * The host for the browser client: settings in localStorage, the signaling service is the one that
 * served the page (or `VITE_FERRY_SIGNAL_URL` during development).
 */
import type { AppInfo } from '../../../contracts/ipc';
import { LOCAL_INFO_PATH, localInfoSchema, type LocalInfo } from '../../../contracts/local-service';
import type { NetworkDefaults } from '../../../contracts/network-defaults';
import { watchNearbyOverHttp } from './nearby-over-http';
import {
  settingsPatchSchema,
  settingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../../contracts/settings';
import { randomId } from '../engine/random-id';
import { createBlobSink } from './blob-sink';
import { filesApiSink, type ReceiveFilesApi } from './files-api-sink';
import { HostError, type Host, type NotificationPermissionAsk } from './host';
import { createOpfsSink, opfsAvailable } from './opfs/opfs-sink';
import { webNotifications, type WebNotifier } from './web-notifications';

const SETTINGS_KEY = 'ferry.settings.v1';

export interface WebHostEnvironment {
  readonly storage: Pick<Storage, 'getItem' | 'setItem'>;
  readonly location: Pick<Location, 'origin' | 'protocol'>;
  readonly userAgent: string;
  readonly platform: string;
  readonly appVersion: string;
  readonly devSignalingUrl?: string | undefined;
  /**
   * Test seam (end-to-end tests only): the desktop app's real receive-folder services, exposed to
   * the page by Playwright as `window.ferryTestFiles`. When present, received files go there
   * instead of OPFS, so a test can hash them on disk. Absent in every real browser.
   */
  readonly testFiles?: ReceiveFilesApi | undefined;
  /** System notifications while the tab is out of sight; absent where the browser has none. */
  readonly notifier?: WebNotifier | undefined;
  /** Asking for notification permission; absent where the browser has no notifications. */
  readonly notificationPermission?: NotificationPermissionAsk | undefined;
  /** The internet service and ICE servers this build starts with (contracts/network-defaults.ts). */
  readonly networkDefaults?: NetworkDefaults | undefined;
  /** How the page asks the service that served it about this machine (`window.fetch`). */
  readonly fetch?: ((url: string) => Promise<Pick<Response, 'ok' | 'json'>>) | undefined;
}

/**
 * What the desktop services that served this page say about this machine; null when the page
 * came from a standalone service (no such endpoint) or the answer cannot be used.
 */
async function fetchLocalInfo(env: WebHostEnvironment, origin: string): Promise<LocalInfo | null> {
  if (origin === '' || env.fetch === undefined) return null;
  try {
    const response = await env.fetch(`${origin}${LOCAL_INFO_PATH}`);
    if (!response.ok) return null;
    const parsed = localInfoSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The nearby devices the desktop services that served this page found (asked every few seconds);
 * absent where there is nothing to ask.
 */
function nearbyFor(env: WebHostEnvironment, origin: string): Pick<Host, 'watchNearby'> {
  if (origin === '' || env.fetch === undefined) return {};
  return {
    watchNearby: watchNearbyOverHttp({
      url: `${origin}${LOCAL_INFO_PATH}`,
      fetch: env.fetch,
      parse: (body) => {
        const parsed = localInfoSchema.safeParse(body);
        return parsed.success ? parsed.data.nearby : undefined;
      },
    }),
  };
}

/**
 * Received files: the test seam if given, else OPFS where the browser has it, else blob storage
 * with a size limit (a page that is not a secure context has no OPFS; docs/insecure-browser.md).
 */
function receiveFor(env: WebHostEnvironment): Pick<Host, 'receive' | 'savedFiles'> {
  if (env.testFiles) return { receive: filesApiSink(env.testFiles) };
  const store = opfsAvailable() ? createOpfsSink() : createBlobSink();
  return { receive: store.sink, savedFiles: store.savedFiles };
}

/**
 * "Chromium on Linux 3F2A": the browser, the system, and a short random suffix, so that two new
 * browsers never suggest the same name. Kept in the profile with the rest of the settings.
 */
export function suggestedBrowserDeviceName(
  userAgent: string,
  platform: string,
  random: () => Uint8Array = () => globalThis.crypto.getRandomValues(new Uint8Array(2)),
): string {
  const suffix = Array.from(random(), (byte) => byte.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
  return `${defaultBrowserDeviceName(userAgent, platform)} ${suffix}`;
}

/** "Chrome on Linux"-style name for a browser. */
export function defaultBrowserDeviceName(userAgent: string, platform: string): string {
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chromium'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Browser';
  const os = /Win/i.test(platform)
    ? 'Windows'
    : /Mac/i.test(platform)
      ? 'macOS'
      : /Android/i.test(userAgent)
        ? 'Android'
        : /iPhone|iPad/i.test(userAgent)
          ? 'iOS'
          : /Linux/i.test(platform)
            ? 'Linux'
            : 'the web';
  return `${browser} on ${os}`;
}

export function createWebHost(env: WebHostEnvironment): Host {
  const defaults = (): Settings => ({
    deviceId: randomId(16),
    deviceName: suggestedBrowserDeviceName(env.userAgent, env.platform),
    // A suggestion until the person confirms it in the first-run step.
    deviceNameChosen: false,
    language: 'system',
    signalingUrl: env.networkDefaults?.internetSignalingUrl ?? '',
    iceServers: env.networkDefaults?.iceServers ?? [],
    launchAtLogin: false,
    startHidden: false,
    receiveFolder: '',
  });

  const load = (): Settings => {
    const raw = env.storage.getItem(SETTINGS_KEY);
    if (raw !== null) {
      try {
        const parsed = settingsSchema.safeParse(JSON.parse(raw));
        if (parsed.success) return parsed.data;
      } catch {
        // Unreadable settings are replaced by defaults below; nothing else depends on them.
      }
    }
    const fresh = defaults();
    env.storage.setItem(SETTINGS_KEY, JSON.stringify(fresh));
    return fresh;
  };

  let settings = load();
  const servingOrigin = env.location.protocol.startsWith('http') ? env.location.origin : '';

  return {
    kind: 'web',
    ...receiveFor(env),
    ...(env.notifier ? webNotifications(env.notifier) : {}),
    ...(env.notificationPermission ? { notificationPermission: env.notificationPermission } : {}),
    getAppInfo: async (): Promise<AppInfo> => ({
      appVersion: env.appVersion,
      platform: env.platform,
      hostName: settings.deviceName,
      signalingUrl: env.devSignalingUrl || servingOrigin,
    }),
    getLocalInfo: () => fetchLocalInfo(env, env.devSignalingUrl || servingOrigin),
    ...nearbyFor(env, env.devSignalingUrl || servingOrigin),
    getSettings: async () => settings,
    updateSettings: async (patch: SettingsPatch) => {
      const parsedPatch = settingsPatchSchema.safeParse(patch);
      if (!parsedPatch.success) throw new HostError('INVALID_PAYLOAD', parsedPatch.error.issues[0]?.message);
      const next = settingsSchema.parse({ ...settings, ...parsedPatch.data });
      env.storage.setItem(SETTINGS_KEY, JSON.stringify(next));
      settings = next;
      return next;
    },
  };
}
