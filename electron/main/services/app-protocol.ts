/**
 * The app's own page is served from `app://ferry/` by main, not loaded from `file://`.
 *
 * Under `file://` every file on the disk shares the page's origin: a script that got into the page
 * could fetch `file:///home/…` (where webSecurity allows it), and the page's storage, permissions
 * and IPC trust would belong to any local HTML file the window was steered to. Under a custom
 * scheme registered standard and secure, the origin is `app://ferry` alone, the page is a secure
 * context (microphone, WebCrypto, OPFS), and the handler below answers only files of the built
 * renderer: nothing outside that folder, whatever the path says.
 */
import { readFile as nodeReadFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'ferry';
/** The page the window loads. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;
/** What Electron's protocol registry needs before 'ready' (protocol.registerSchemesAsPrivileged). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // standard: a real origin (app://ferry) with relative URLs and storage; secure: a secure context;
  // supportFetchAPI and corsEnabled: module scripts and fetch of our own assets work.
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
} as const;

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
};

/**
 * The file of the built renderer an `app://` URL names, or undefined for anything else: another
 * host, a path that climbs out of the folder (`..`, encoded or not), a NUL byte, a URL that does
 * not parse.
 */
export function appFileFor(url: string, rendererDir: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined; // malformed percent-encoding
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const root = normalize(rendererDir + sep);
  const file = normalize(join(root, path));
  return file.startsWith(root) && file !== root ? file : undefined;
}

/** The Content-Type the page's files are served with; unknown kinds as plain bytes. */
export function mimeTypeOf(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface AppProtocolOptions {
  readonly rendererDir: string;
  readonly readFile?: (path: string) => Promise<Uint8Array>;
}

/** The handler for `protocol.handle(APP_SCHEME, …)`: our files, 404 for anything else. */
export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: { readonly url: string; readonly method?: string }) => Promise<Response> {
  const readFile = options.readFile ?? ((path: string) => nodeReadFile(path));
  return async (request) => {
    if (request.method !== undefined && request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405 });
    }
    const file = appFileFor(request.url, options.rendererDir);
    if (file === undefined) return new Response(null, { status: 404 });
    let body: Uint8Array;
    try {
      body = await readFile(file);
    } catch {
      return new Response(null, { status: 404 });
    }
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': mimeTypeOf(file), 'X-Content-Type-Options': 'nosniff' },
    });
  };
}
