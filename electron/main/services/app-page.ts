/**
 * Where the app's own page lives, and whether a URL is that page. The window loads it; the IPC,
 * navigation and permission checks all ask `isAppPage` so they agree on what "our page" means.
 *
 * The built page is served from `app://ferry/index.html` (app-protocol.ts), never from file://.
 */
import { APP_HOST, APP_PAGE_URL, APP_SCHEME } from './app-protocol';

export interface AppPageTarget {
  readonly kind: 'url';
  readonly url: string;
}

export interface AppPage {
  readonly target: AppPageTarget;
  /** The page's origin as Electron reports it in permission checks (`app://ferry`). */
  readonly origin: string;
  isAppPage(url: string): boolean;
}

export interface AppPageOptions {
  /** `ELECTRON_RENDERER_URL` from electron-vite's dev server; only honoured when not packaged. */
  readonly devServerUrl?: string | undefined;
}

export function createAppPage(options: AppPageOptions = {}): AppPage {
  const devUrl = parseUrl(options.devServerUrl ?? '');
  if (devUrl !== undefined && (devUrl.protocol === 'http:' || devUrl.protocol === 'https:')) {
    return {
      target: { kind: 'url', url: devUrl.href },
      origin: devUrl.origin,
      isAppPage: (url) => parseUrl(url)?.origin === devUrl.origin,
    };
  }
  return {
    target: { kind: 'url', url: APP_PAGE_URL },
    // WHATWG URL gives a custom scheme an opaque origin ("null"); Chromium, which knows the scheme
    // is standard, reports scheme://host.
    origin: `${APP_SCHEME}://${APP_HOST}`,
    // The exact page, whatever the query or hash (the renderer may route with the hash).
    isAppPage: (url) => {
      const candidate = parseUrl(url);
      return (
        candidate?.protocol === `${APP_SCHEME}:` &&
        candidate.host === APP_HOST &&
        (candidate.pathname === '/index.html' || candidate.pathname === '/')
      );
    },
  };
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
