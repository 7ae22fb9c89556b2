/**
 * Serves the built web client (out/renderer) so that a browser can use Ferry from the service's
 * own address. Read-only, GET/HEAD only, and never outside `staticDir`: the URL path is decoded,
 * normalised and resolved, and both the resolved path and its real path (symlinks followed) must
 * stay inside the real `staticDir`.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from './logger';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};
const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

/** Vite writes `assets/<name>-<hash>.<ext>`: such a file never changes under the same name. */
const HASHED_ASSET = /^assets\/(?:.+\/)?[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else, index.html above all, is revalidated so that a new build shows up at once. */
const REVALIDATE = 'no-cache';

export const CLIENT_NOT_BUILT_MESSAGE =
  'The Ferry web client is not built, so there is nothing to show here.\n' +
  'Run `npm run build` (it writes out/renderer), or point FERRY_STATIC_DIR at a built client.\n' +
  'The signaling service itself is running: see /healthz.\n';

export type StaticFileHandler = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
) => Promise<void>;

interface FoundFile {
  readonly absolutePath: string;
  /** Path inside staticDir with forward slashes, e.g. `assets/index-Ab12Cd34.js`. */
  readonly relativePath: string;
  readonly size: number;
}

export interface StaticFileOptions {
  /** The Content-Security-Policy header of an HTML page (the web client), per request. */
  readonly pagePolicy?: (request: http.IncomingMessage) => Promise<string> | string;
}

export function createStaticFileHandler(
  staticDir: string | undefined,
  logger: Logger,
  options: StaticFileOptions = {},
): StaticFileHandler {
  const root = staticDir === undefined ? undefined : path.resolve(staticDir);

  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    const urlPath = decodeUrlPath(request.url ?? '/');
    if (urlPath === undefined) {
      sendText(response, 400, 'Bad request\n');
      return;
    }
    const wantsIndex = urlPath === '/' || urlPath === '/index.html';
    const file = root === undefined ? undefined : await findFile(root, urlPath);
    if (file === undefined) {
      sendText(response, 404, wantsIndex ? CLIENT_NOT_BUILT_MESSAGE : 'Not found\n');
      return;
    }
    const extension = path.extname(file.absolutePath).toLowerCase();
    const policy =
      extension === '.html' && options.pagePolicy !== undefined
        ? await options.pagePolicy(request)
        : undefined;
    response.writeHead(200, {
      ...(policy === undefined ? {} : { 'Content-Security-Policy': policy }),
      'Content-Type': CONTENT_TYPES[extension] ?? FALLBACK_CONTENT_TYPE,
      'Content-Length': file.size,
      'Cache-Control': HASHED_ASSET.test(file.relativePath) ? IMMUTABLE : REVALIDATE,
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    try {
      await pipeline(createReadStream(file.absolutePath), response);
    } catch (error) {
      // Usually the browser went away mid-download; pipeline has already closed the response.
      logger.debug({ err: error, path: file.relativePath }, 'static file not fully sent');
    }
  };
}

/** The decoded path of a request URL, or undefined when it cannot be decoded safely. */
function decodeUrlPath(url: string): string | undefined {
  const rawPath = url.split(/[?#]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0')) return undefined;
  return decoded;
}

async function findFile(root: string, urlPath: string): Promise<FoundFile | undefined> {
  const wanted = urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath;
  // path.join normalises `..` (and, on Windows, `\`), which is why the result is checked after.
  const candidate = path.join(root, wanted);
  if (!isInside(root, candidate)) return undefined;
  try {
    const [realRoot, realCandidate] = await Promise.all([realpath(root), realpath(candidate)]);
    if (!isInside(realRoot, realCandidate)) return undefined;
    const stats = await stat(realCandidate);
    if (!stats.isFile()) return undefined;
    return {
      absolutePath: realCandidate,
      relativePath: path.relative(realRoot, realCandidate).split(path.sep).join('/'),
      size: stats.size,
    };
  } catch {
    return undefined;
  }
}

/** True when `target` is strictly below `root` (comparing path segments, not string prefixes). */
function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative !== '' && !path.isAbsolute(relative) && relative.split(path.sep)[0] !== '..';
}

function sendText(
  response: http.ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  response.end(body);
}
