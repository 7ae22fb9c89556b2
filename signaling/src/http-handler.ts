/**
 * Plain HTTP on the signaling port: a health check for monitors and the built web client.
 * socket.io answers its own `/socket.io/` requests before this handler sees them.
 */
import type http from 'node:http';
import { LOCAL_INFO_PATH, type LocalInfo } from '../../contracts/local-service';
import { SIGNALING_PROTOCOL_VERSION } from '../../contracts/signaling';
import type { Logger } from './logger';
import { createStaticFileHandler } from './static-files';

export const HEALTH_PATH = '/healthz';

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
}

function sendJson(response: http.ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}

export function createHttpHandler({
  staticDir,
  logger,
  localInfo,
}: HttpHandlerOptions): http.RequestListener {
  const serveStatic = createStaticFileHandler(staticDir, logger);

  return (request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const pathname = (request.url ?? '/').split(/[?#]/, 1)[0];
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    if (pathname === HEALTH_PATH && isRead) {
      sendJson(response, HEALTH_REPORT);
      return;
    }
    if (pathname === LOCAL_INFO_PATH && isRead && localInfo !== undefined) {
      sendJson(response, localInfo());
      return;
    }
    serveStatic(request, response).catch((error: unknown) => {
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
