/**
 * Plain HTTP on the signaling port: a health check (`/healthz`: the process answers), a readiness
 * check (`/readyz`: this instance should get traffic: not shutting down, its shared store
 * reachable), Prometheus metrics (`/metrics`, where the service has them) and the built web client.
 * socket.io answers its own `/socket.io/` requests before this handler sees them.
 */
import type http from 'node:http';
import { LOCAL_INFO_PATH, type LocalInfo } from '../../contracts/local-service';
import { SIGNALING_PROTOCOL_VERSION } from '../../contracts/signaling';
import type { Logger } from './logger';
import { createStaticFileHandler } from './static-files';
import { builtInSignalingUrl, ownWebSocketSources, webClientCsp } from './web-client-csp';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';
export const METRICS_PATH = '/metrics';

export const HEALTH_REPORT = {
  status: 'ok',
  service: 'ferry-signaling',
  protocol: SIGNALING_PROTOCOL_VERSION,
} as const;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // Browsers must take our Content-Type at its word, never guess a script out of a text file.
  'X-Content-Type-Options': 'nosniff',
  // Links out of the web client must not leak the service address (or a code in a URL).
  'Referrer-Policy': 'no-referrer',
};

export interface HttpHandlerOptions {
  readonly staticDir: string | undefined;
  readonly logger: Logger;
  /**
   * Only the desktop's embedded service has it: what its pages learn about this machine at
   * `LOCAL_INFO_PATH` (join addresses, nearby devices). Absent: that path is not found.
   */
  readonly localInfo?: (() => LocalInfo) | undefined;
  /** Whether this instance should get traffic; always, unless the service says otherwise. */
  readonly ready?: () => Promise<boolean> | boolean;
  /** Prometheus text for GET /metrics; without it /metrics is not served. */
  readonly metrics?: { readonly contentType: string; render(): Promise<string> } | undefined;
}

export function createHttpHandler(options: HttpHandlerOptions): http.RequestListener {
  const { staticDir, logger, metrics, localInfo } = options;
  // Read once: the client in staticDir does not change its baked-in defaults while we run.
  const builtIn = builtInSignalingUrl(staticDir);
  const serveStatic = createStaticFileHandler(staticDir, logger, {
    pagePolicy: async (request) => {
      const internet = await builtIn;
      return webClientCsp({
        services: [
          ...(internet === undefined ? [] : [internet]),
          // A desktop's own service: the nearby desktops found so far (more may come, see the module).
          ...(localInfo?.().nearby.map((nearby) => nearby.url) ?? []),
        ],
        nearbyDesktops: localInfo !== undefined,
        ownWebSocket: ownWebSocketSources(request.headers.host),
      });
    },
  });
  const ready = options.ready ?? (() => true);

  function answer(response: http.ServerResponse, status: number, contentType: string, body: string): void {
    response.writeHead(status, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    response.end(body);
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const pathname = (request.url ?? '/').split(/[?#]/, 1)[0];
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    if (pathname === HEALTH_PATH && isRead) {
      answer(response, 200, 'application/json; charset=utf-8', JSON.stringify(HEALTH_REPORT));
      return;
    }
    if (pathname === LOCAL_INFO_PATH && isRead && localInfo !== undefined) {
      answer(response, 200, 'application/json; charset=utf-8', JSON.stringify(localInfo()));
      return;
    }
    if (pathname === READY_PATH && isRead) {
      const isReady = await ready();
      const body = JSON.stringify({ ...HEALTH_REPORT, status: isReady ? 'ready' : 'not-ready' });
      answer(response, isReady ? 200 : 503, 'application/json; charset=utf-8', body);
      return;
    }
    if (pathname === METRICS_PATH && isRead && metrics !== undefined) {
      answer(response, 200, metrics.contentType, await metrics.render());
      return;
    }
    await serveStatic(request, response);
  }

  return (request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error, url: request.url }, 'http request failed');
      if (response.headersSent) {
        response.destroy();
        return;
      }
      response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end('Internal error\n');
    });
  };
}
