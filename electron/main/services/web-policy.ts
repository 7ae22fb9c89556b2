/**
 * What the window may load and which powers a page may have, as pure decisions.
 *
 * The renderer shows content from other people (chat text with links, file names), so anything that
 * would take the window away from our page is refused: links open in the OS browser instead, and
 * other schemes go nowhere. Only the microphone (voice calls) and sanitized clipboard writes (copy
 * a pairing code) are granted, and only to our own page.
 */
import type { AppPage } from './app-page';

export type NavigationDecision = 'allow' | 'open-externally' | 'deny';

export function decideNavigation(url: string, appPage: AppPage): NavigationDecision {
  if (appPage.isAppPage(url)) return 'allow';
  return isWebLink(url) ? 'open-externally' : 'deny';
}

/** New windows are never opened by the app; web links go to the OS browser. */
export function decideWindowOpen(url: string): 'open-externally' | 'deny' {
  return isWebLink(url) ? 'open-externally' : 'deny';
}

function isWebLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

export interface PermissionQuery {
  readonly permission: string;
  /** The page asking (`requestingUrl`/`requestingOrigin` in Electron's details). */
  readonly requestingUrl: string;
  /** For 'media': what is asked for; Electron reports e.g. ['audio'] or ['audio', 'video']. */
  readonly mediaTypes?: readonly string[];
}

const GRANTED_PERMISSIONS = new Set(['media', 'clipboard-sanitized-write']);

export function isPermissionGranted(query: PermissionQuery, appPage: AppPage): boolean {
  if (!GRANTED_PERMISSIONS.has(query.permission)) return false;
  if (!isOwnPage(query.requestingUrl, appPage)) return false;
  if (query.permission !== 'media') return true;
  // Voice calls need the microphone only; a request that includes the camera is refused whole.
  const types = query.mediaTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'audio');
}

/**
 * Permission checks may carry only an origin (`app://ferry`, or the dev server's origin), so the
 * origin of our page counts as our page.
 */
function isOwnPage(url: string, appPage: AppPage): boolean {
  if (appPage.isAppPage(url)) return true;
  return url === appPage.origin || url === `${appPage.origin}/`;
}
