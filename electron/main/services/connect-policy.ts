/**
 * Which servers the page may talk to: the signaling services it pairs through and nothing else.
 *
 * The page's CSP cannot say this exactly. Its `connect-src` is fixed when the page loads, but the
 * services change while the page runs: the internet service named in Settings, and each nearby
 * Ferry desktop found on the network (a code may have been opened on one of them). A CSP narrow
 * enough to matter would break those without a reload, and a reload drops every call and transfer.
 * So main checks every request the page makes (session.webRequest), against the services as they
 * are at that moment: a script that got into the page cannot send anything to a server of its own.
 * (WebRTC's ICE traffic is not a request and not covered; it goes only to peers the signaling
 * introduced and the STUN/TURN servers of the settings.)
 */

/** `http(s)` and `ws(s)` requests are checked; the page's own scheme, data: and blob: are not network. */
const NETWORK_PROTOCOLS: Readonly<Record<string, string>> = {
  'http:': 'http:',
  'https:': 'https:',
  'ws:': 'http:',
  'wss:': 'https:',
};

/** The origin a service URL answers on, in its http(s) form; undefined for anything else. */
function httpOrigin(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const protocol = NETWORK_PROTOCOLS[parsed.protocol];
  if (protocol === undefined) return undefined;
  // socket.io opens ws://host:port for http://host:port: the same server.
  return `${protocol}//${parsed.host}`;
}

/**
 * May the page open `url`? An http(s) or ws(s) request must go to one of `services`; file: never
 * (the page comes from app://, nothing of it lives in file:); the rest (app://, data:, blob:,
 * devtools) are not network requests and are left to the CSP.
 */
export function isConnectAllowed(url: string, services: readonly string[]): boolean {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return false;
  }
  if (protocol === 'file:') return false;
  if (NETWORK_PROTOCOLS[protocol] === undefined) return true;
  const target = httpOrigin(url);
  return target !== undefined && services.some((service) => httpOrigin(service) === target);
}
