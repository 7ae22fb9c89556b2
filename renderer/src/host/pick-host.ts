import type { FerryDesktopApi } from '../../../contracts/ipc';
import { createDesktopHost } from './desktop-host';
import type { ReceiveFilesApi } from './files-api-sink';
import type { Host } from './host';
import { createWebHost } from './web-host';
import { browserNotifier, browserNotificationPermission } from './web-notifications';

declare global {
  interface Window {
    /** Set by the desktop app's preload; absent in a plain browser. */
    readonly ferry?: FerryDesktopApi;
    /** End-to-end tests only: see WebHostEnvironment.testFiles. */
    readonly ferryTestFiles?: ReceiveFilesApi;
  }
}

export function pickHost(): Host {
  if (window.ferry) return createDesktopHost(window.ferry);
  return createWebHost({
    storage: window.localStorage,
    location: window.location,
    userAgent: navigator.userAgent,
    platform: navigator.platform,
    appVersion: __FERRY_VERSION__,
    networkDefaults: __FERRY_NETWORK_DEFAULTS__,
    devSignalingUrl: import.meta.env['VITE_FERRY_SIGNAL_URL'] as string | undefined,
    testFiles: window.ferryTestFiles,
    notifier: browserNotifier(),
    notificationPermission: browserNotificationPermission(),
    fetch: (url) => window.fetch(url, { cache: 'no-store' }),
  });
}
