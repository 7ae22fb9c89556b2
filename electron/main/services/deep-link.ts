/**
 * `ferry://pair/<code>` links: a shared link opens Ferry at "Enter a code" with the code filled in.
 *
 * Links arrive from outside (any web page or chat can hold one), so they are parsed strictly: the
 * exact scheme and host, one path segment that is a valid pairing code, nothing else. Anything
 * else is ignored. The renderer must still ask the user before joining: a link is a suggestion.
 */
import { formatCode, parseCode } from '../../../contracts/pairing-code';
import type { AppCommand } from '../../../contracts/ipc';

export const DEEP_LINK_SCHEME = 'ferry';
/** Longer than any link with a code in it; stops pathological input early. */
const MAX_LINK_LENGTH = 100;

export function parseDeepLink(link: string): AppCommand | undefined {
  if (link.length > MAX_LINK_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:` || url.hostname.toLowerCase() !== 'pair') return undefined;
  if (url.username !== '' || url.password !== '' || url.port !== '' || url.search !== '' || url.hash !== '') {
    return undefined;
  }
  // Some launchers add a trailing slash; the code itself is the only segment.
  const match = /^\/([^/]+)\/?$/.exec(url.pathname);
  if (match?.[1] === undefined) return undefined;
  const parsed = parseCode(decodeSegment(match[1]));
  return parsed.ok ? { type: 'pair', code: formatCode(parsed.code) } : undefined;
}

/**
 * Windows and Linux hand the link to the app as a command-line argument (on first launch in
 * `process.argv`, later in the `second-instance` event's argv). Only arguments that start with the
 * scheme are looked at, so a switch or a file name can never be taken for a link.
 */
export function findDeepLinkInArgv(argv: readonly string[]): AppCommand | undefined {
  for (const argument of argv) {
    if (!argument.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) continue;
    const command = parseDeepLink(argument);
    if (command !== undefined) return command;
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
