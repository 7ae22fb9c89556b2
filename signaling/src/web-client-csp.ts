/**
 * The Content-Security-Policy header of the web client this service serves: what the page may
 * connect to is this service (its own origin, in both its http(s) and ws(s) forms) and the few
 * other signaling services the client really uses, by exact origin, never whole schemes.
 *
 * What the client uses besides the service that served it:
 * - the internet signaling service the build baked in (package.json `ferryNetworkDefaults`, or
 *   FERRY_DEFAULT_SIGNALING_URL at build time): the renderer build writes it next to index.html
 *   (`network-defaults.json`, see electron.vite.config.ts), and every code is opened there too;
 * - on a Ferry desktop's own service (it has `localInfo`), the nearby Ferry desktops: those found
 *   when the page loads by exact origin, and, since more are found while the page runs (a reload
 *   would drop calls and transfers), any host on the desktops' well-known port in plain http/ws —
 *   the form every embedded service on a LAN has.
 * The index.html meta policy stays in force for everything else (a browser enforces every policy it
 * is given, each on its own), so this header names only what it narrows — `connect-src` — and what
 * a meta policy cannot say (`frame-ancestors`); restating the rest here would let the two drift.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EMBEDDED_SERVICE_PORT } from '../../contracts/local-service';
import { networkDefaultsSchema } from '../../contracts/network-defaults';

/** Where the renderer build writes the network defaults it baked into the client. */
export const NETWORK_DEFAULTS_FILE = 'network-defaults.json';

/** Exact sources a service URL answers on: its http(s) origin and the ws(s) one socket.io opens. */
export function connectSourcesOf(url: string): readonly string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  // Only what a CSP source can name exactly; anything else (credentials, odd schemes) is left out.
  if (parsed.username !== '' || parsed.password !== '') return [];
  const host = parsed.host;
  if (!/^[A-Za-z0-9.\-[\]:]+$/.test(host)) return [];
  if (parsed.protocol === 'http:' || parsed.protocol === 'ws:') return [`http://${host}`, `ws://${host}`];
  if (parsed.protocol === 'https:' || parsed.protocol === 'wss:') return [`https://${host}`, `wss://${host}`];
  return [];
}

/**
 * The page's own origin in ws(s) form, from the request's Host header ('self' covers it in current
 * browsers; older WebKit did not match ws: to 'self'). Both forms: behind a TLS proxy the service
 * cannot tell which one the browser used. Empty for a Host that is not one.
 */
export function ownWebSocketSources(host: string | undefined): readonly string[] {
  if (host === undefined || !/^[A-Za-z0-9.\-[\]:]{1,260}$/.test(host)) return [];
  return [`ws://${host}`, `wss://${host}`];
}

export interface WebClientCspInput {
  /** Other service URLs the page may reach (exact origins are derived from each). */
  readonly services: readonly string[];
  /** The page is served by a Ferry desktop's own service: nearby desktops come and go. */
  readonly nearbyDesktops: boolean;
  /** The page's own origin in ws(s) form (ownWebSocketSources). */
  readonly ownWebSocket?: readonly string[];
}

/** The header's policy: `connect-src` narrowed, framing refused (index.html's meta does the rest). */
export function webClientCsp(input: WebClientCspInput): string {
  const connect = new Set<string>(["'self'", ...(input.ownWebSocket ?? [])]);
  for (const service of input.services) for (const source of connectSourcesOf(service)) connect.add(source);
  if (input.nearbyDesktops) {
    connect.add(`http://*:${EMBEDDED_SERVICE_PORT}`);
    connect.add(`ws://*:${EMBEDDED_SERVICE_PORT}`);
  }
  return [`connect-src ${[...connect].join(' ')}`, "frame-ancestors 'none'"].join('; ');
}

/**
 * The internet service URL the client in `staticDir` was built with, or undefined (none baked in,
 * no such file, or one that does not parse: the client then uses only the service that served it).
 */
export async function builtInSignalingUrl(staticDir: string | undefined): Promise<string | undefined> {
  if (staticDir === undefined) return undefined;
  try {
    const raw: unknown = JSON.parse(await readFile(path.join(staticDir, NETWORK_DEFAULTS_FILE), 'utf8'));
    const parsed = networkDefaultsSchema.safeParse(raw);
    return parsed.success && parsed.data.internetSignalingUrl !== ''
      ? parsed.data.internetSignalingUrl
      : undefined;
  } catch {
    return undefined;
  }
}
