/**
 * Decides which signaling service this app talks to, starting the embedded one when needed.
 *
 * `FERRY_SIGNAL_URL` (for testing) replaces it; otherwise this app always runs the service embedded
 * in it, which is how devices on one network pair with nothing configured. The `signalingUrl`
 * setting names an internet service that the renderer uses *as well* (a code is opened on both),
 * so it does not change what starts here. The embedded service listens on a
 * well-known port on all interfaces, so that a browser on the LAN can open the web client from it.
 * When that port is taken by another Ferry (a second profile on the same machine), both apps use
 * that one service, which is what lets the two profiles pair with each other; when it is taken by
 * something else, the embedded service takes any free port instead.
 */
import { EMBEDDED_SERVICE_PORT, type LocalInfo } from '../../../contracts/local-service';
import { signalingUrlSchema } from '../../../contracts/settings';
import { HEALTH_PATH, HEALTH_REPORT } from '../../../signaling/src/http-handler';
import type { Logger } from './logger';

export const DEFAULT_EMBEDDED_PORT = EMBEDDED_SERVICE_PORT;
export const DEFAULT_EMBEDDED_HOST = '0.0.0.0';
const PROBE_TIMEOUT_MS = 1500;

export interface StartServiceOptions {
  readonly port: number;
  readonly host: string;
  readonly staticDir?: string;
  /** What the service tells its pages about this machine (see contracts/local-service.ts). */
  readonly localInfo?: () => LocalInfo;
}

export interface RunningService {
  /** Where a client on this machine reaches it (a wildcard host becomes loopback). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** `startSignalingService` from signaling/src/service.ts, or a fake. */
export type StartService = (options: StartServiceOptions) => Promise<RunningService>;

/** The part of `fetch` the probe uses. */
export type ProbeFetch = (
  url: string,
  init: { signal: AbortSignal },
) => Promise<{ readonly ok: boolean; json(): Promise<unknown> }>;

export type SignalingSource = 'env' | 'embedded' | 'shared-embedded';

export interface ResolvedSignaling {
  /** Base URL for the socket.io client, e.g. `http://127.0.0.1:47100`. */
  readonly url: string;
  readonly source: SignalingSource;
  /**
   * The port other devices reach this machine's embedded service on (ours, or that of another
   * Ferry on this machine), when it listens on the network; undefined for a service elsewhere or
   * one bound to loopback only.
   */
  readonly lanPort: number | undefined;
  /** Stops the embedded service if this app started it; otherwise does nothing. */
  stop(): Promise<void>;
}

export interface ResolveSignalingOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly startService: StartService;
  readonly fetch: ProbeFetch;
  /** The built renderer, served as the browser client by the embedded service. */
  readonly staticDir?: string;
  /** Handed to the embedded service: this machine's join addresses and nearby devices. */
  readonly localInfo?: () => LocalInfo;
  readonly logger: Logger;
}

export async function resolveSignaling(options: ResolveSignalingOptions): Promise<ResolvedSignaling> {
  const { env, logger } = options;
  const fromEnv = env['FERRY_SIGNAL_URL'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const parsed = signalingUrlSchema.safeParse(fromEnv);
    if (parsed.success) return external(parsed.data, 'env', undefined);
    logger.warn({ value: fromEnv }, 'FERRY_SIGNAL_URL is not an http(s) URL; ignoring it');
  }
  return startEmbedded(options);
}

function external(url: string, source: SignalingSource, lanPort: number | undefined): ResolvedSignaling {
  return { url: url.replace(/\/+$/, ''), source, lanPort, stop: async () => undefined };
}

/** Whether a service bound to `host` can be reached from other devices. */
function listensOnNetwork(host: string): boolean {
  return !/^(127\.|localhost$|::1$|\[::1\]$)/.test(host);
}

async function startEmbedded(options: ResolveSignalingOptions): Promise<ResolvedSignaling> {
  const { logger } = options;
  const port = embeddedPort(options.env, logger);
  const host = options.env['FERRY_EMBEDDED_HOST'] || DEFAULT_EMBEDDED_HOST;
  const start = (onPort: number) =>
    options.startService({
      port: onPort,
      host,
      ...(options.staticDir === undefined ? {} : { staticDir: options.staticDir }),
      ...(options.localInfo === undefined ? {} : { localInfo: options.localInfo }),
    });
  const lanPortOf = (onPort: number) => (listensOnNetwork(host) ? onPort : undefined);
  const started = (service: RunningService): ResolvedSignaling => {
    logger.info({ url: service.url, host }, 'embedded signaling service started');
    return {
      url: service.url,
      source: 'embedded',
      lanPort: lanPortOf(service.port),
      stop: () => service.close(),
    };
  };

  try {
    return started(await start(port));
  } catch (error) {
    if (errorCode(error) !== 'EADDRINUSE' || port === 0) throw error;
  }
  const sharedUrl = `http://${localAddressOf(host)}:${port}`;
  if (await isFerrySignaling(options.fetch, sharedUrl)) {
    logger.info({ url: sharedUrl }, 'using the signaling service of another Ferry on this machine');
    return external(sharedUrl, 'shared-embedded', lanPortOf(port));
  }
  logger.warn({ port }, 'signaling port is taken by another program; using a free port instead');
  return started(await start(0));
}

function embeddedPort(env: ResolveSignalingOptions['env'], logger: Logger): number {
  const value = env['FERRY_EMBEDDED_PORT'];
  if (value === undefined || value === '') return DEFAULT_EMBEDDED_PORT;
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
  logger.warn({ value }, 'FERRY_EMBEDDED_PORT is not a port number; using the default');
  return DEFAULT_EMBEDDED_PORT;
}

/**
 * The address this machine reaches a service on that listens on `host` (to probe a port that is
 * taken): loopback for the wildcard addresses, as Windows cannot connect to 0.0.0.0.
 */
export function localAddressOf(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** True when `baseUrl` answers the health check as a Ferry signaling service, within a short timeout. */
export async function isFerrySignaling(fetch: ProbeFetch, baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}${HEALTH_PATH}`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (!response.ok) return false;
    const body = await response.json();
    return (
      typeof body === 'object' && body !== null && 'service' in body && body.service === HEALTH_REPORT.service
    );
  } catch {
    return false;
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
