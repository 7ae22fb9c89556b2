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
 * The code in a `#pair=…` fragment, shown grouped (`K7M-Q2X`), if the page was opened from a join
 * link with a well-formed code. It is only a suggestion: the page fills it in for the person to
 * confirm (anyone can send a link).
 */
export function codeFromJoinLink(hash: string): string | null {
  const match = /^#pair=([A-Za-z0-9-]{1,32})$/.exec(hash);
  if (match?.[1] === undefined) return null;
  const parsed = parseCode(match[1]);
  return parsed.ok ? formatCode(parsed.code) : null;
}
