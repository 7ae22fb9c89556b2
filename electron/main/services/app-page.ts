/**
 * Where the app's own page lives, and whether a URL is that page. The window loads it; the IPC,
 * navigation and permission checks all ask `isAppPage` so they agree on what "our page" means.
 */
import { pathToFileURL } from 'node:url';

export type AppPageTarget =
  { readonly kind: 'url'; readonly url: string } | { readonly kind: 'file'; readonly path: string };

export interface AppPage {
  readonly target: AppPageTarget;
  isAppPage(url: string): boolean;
}

export interface AppPageOptions {
  /** `ELECTRON_RENDERER_URL` from electron-vite's dev server; only honoured when not packaged. */
  readonly devServerUrl?: string | undefined;
  /** The built `index.html` of the renderer. */
  readonly indexHtmlPath: string;
}

export function createAppPage(options: AppPageOptions): AppPage {
  const devUrl = parseUrl(options.devServerUrl ?? '');
  if (devUrl !== undefined && (devUrl.protocol === 'http:' || devUrl.protocol === 'https:')) {
    return {
      target: { kind: 'url', url: devUrl.href },
      isAppPage: (url) => parseUrl(url)?.origin === devUrl.origin,
    };
  }
  const indexUrl = pathToFileURL(options.indexHtmlPath);
  return {
    target: { kind: 'file', path: options.indexHtmlPath },
    // The exact file, whatever the query or hash (the renderer may route with the hash).
    isAppPage: (url) => {
      const candidate = parseUrl(url);
      return candidate?.protocol === 'file:' && candidate.pathname === indexUrl.pathname;
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
