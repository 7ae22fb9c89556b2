/**
 * A link that opens the browser client with the code filled in: what the QR code carries, so a
 * phone or another computer without Ferry can scan and join. The code sits in the fragment, which
 * browsers never send to a server.
 */
export function joinLinkFor(signalingUrl: string, code: string): string {
  const base = signalingUrl.endsWith('/') ? signalingUrl : `${signalingUrl}/`;
  return `${base}#pair=${encodeURIComponent(code)}`;
}

/** The code in a `#pair=…` fragment, if the page was opened from a join link. */
export function codeFromJoinLink(hash: string): string | null {
  const match = /^#pair=([A-Za-z0-9-]{1,32})$/.exec(hash);
  return match?.[1] ?? null;
}
