/**
 * A link that opens the browser client with the code filled in: what the QR code carries, so a
 * phone or another computer without Ferry can scan and join. The code sits in the fragment, which
 * browsers never send to a server.
 */
import { formatCode, parseCode } from '../../../../contracts/pairing-code';

export function joinLinkFor(signalingUrl: string, code: string): string {
  const base = signalingUrl.endsWith('/') ? signalingUrl : `${signalingUrl}/`;
  return `${base}#pair=${encodeURIComponent(code)}`;
}

/**
 * The code in a `#pair=…` fragment, shown grouped (`K7M-Q2XW`), if the page was opened from a join
 * link with a well-formed code. It is only a suggestion: the page fills it in for the person to
 * confirm (anyone can send a link).
 */
export function codeFromJoinLink(hash: string): string | null {
  const match = /^#pair=([A-Za-z0-9-]{1,32})$/.exec(hash);
  if (match?.[1] === undefined) return null;
  const parsed = parseCode(match[1]);
  return parsed.ok ? formatCode(parsed.code) : null;
}

/**
 * The addresses a join link may name, best first: the internet service when one is configured
 * (the code is open there too, and it is reachable from anywhere), then this machine's LAN
 * addresses from the desktop services that served the page. A page from a standalone service
 * (`lanBaseUrls` null) shares that service's own address. Loopback never qualifies: the device
 * that scans the code would open itself.
 */
export function joinBaseUrls(options: {
  readonly internetUrl: string;
  readonly lanBaseUrls: readonly string[] | null;
  readonly servingUrl: string;
}): string[] {
  const candidates = [options.internetUrl, ...(options.lanBaseUrls ?? [options.servingUrl])];
  const usable = candidates.filter((url) => url !== '' && !isLoopbackUrl(url));
  return [...new Set(usable.map((url) => url.replace(/\/+$/, '')))];
}

function isLoopbackUrl(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
  } catch {
    return true;
  }
}
