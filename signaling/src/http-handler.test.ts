import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localInfoSchema, type LocalInfo } from '../../contracts/local-service';
import { SIGNALING_PROTOCOL_VERSION } from '../../contracts/signaling';
import { createHttpHandler } from './http-handler';
import { createSilentLogger } from './logger';
import { CLIENT_NOT_BUILT_MESSAGE } from './static-files';
import { rawRequest, type RawResponse } from './testing/raw-http';

const SECRET = 'TOP-SECRET-OUTSIDE-STATIC-DIR';
const SIBLING_SECRET = 'PRIVATE-IN-A-SIBLING-WHOSE-NAME-STARTS-LIKE-STATIC-DIR';
const INDEX_HTML = '<!doctype html><title>Ferry</title>';

let workDir: string;
let webDir: string;
let emptyDir: string;
const servers: http.Server[] = [];

async function serve(staticDir: string | undefined, localInfo?: () => LocalInfo): Promise<string> {
  const server = http.createServer(createHttpHandler({ staticDir, logger: createSilentLogger(), localInfo }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'ferry-static-'));
  webDir = path.join(workDir, 'web');
  emptyDir = path.join(workDir, 'empty');
  await mkdir(path.join(webDir, 'assets'), { recursive: true });
  await mkdir(path.join(webDir, 'sub'), { recursive: true });
  await mkdir(path.join(workDir, 'web-private'), { recursive: true });
  await mkdir(emptyDir);
  const files: Record<string, string> = {
    'secret.txt': SECRET,
    'web-private/key.txt': SIBLING_SECRET,
    'web/index.html': INDEX_HTML,
    'web/sub/index.html': '<!doctype html><title>sub</title>',
    'web/assets/index-AbCd1234.js': 'console.log(1)',
    'web/assets/index-Zz9_-xY1.css': 'body{}',
    'web/assets/inter-Q1w2E3r4.woff2': 'wOF2',
    'web/logo.svg': '<svg/>',
    'web/icon.png': 'PNG',
    'web/favicon.ico': 'ICO',
    'web/data.json': '{}',
    'web/manifest.webmanifest': '{}',
    'web/notes.xyz': 'unknown kind',
  };
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(workDir, name), content);
  await symlink(path.join(workDir, 'secret.txt'), path.join(webDir, 'leak.txt'));
});

afterAll(async () => {
  await Promise.all(
    servers.map((server) => new Promise((resolve) => server.close(resolve).closeAllConnections())),
  );
  await rm(workDir, { recursive: true, force: true });
});

function expectSecurityHeaders(response: RawResponse): void {
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
}

describe('health check', () => {
  it('answers GET /healthz with the service and protocol', async () => {
    const url = await serve(undefined);
    const response = await rawRequest(url, '/healthz');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(response.body)).toEqual({
      status: 'ok',
      service: 'ferry-signaling',
      protocol: SIGNALING_PROTOCOL_VERSION,
    });
    expectSecurityHeaders(response);
  });

  it('answers HEAD /healthz without a body and ignores a query string', async () => {
    const url = await serve(undefined);
    expect(await rawRequest(url, '/healthz', { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
    expect((await rawRequest(url, '/healthz?probe=1')).status).toBe(200);
  });
});

describe("this machine's join addresses and nearby devices", () => {
  it('are served by the desktop service at /api/local, fresh at every request', async () => {
    let joinBaseUrls = ['http://192.168.1.20:47100'];
    const url = await serve(webDir, () => ({
      joinBaseUrls,
      nearby: [{ instanceId: 'b0b', name: 'Bob desktop', url: 'http://192.168.1.30:47100' }],
    }));
    const first = await rawRequest(url, '/api/local');
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(localInfoSchema.parse(JSON.parse(first.body)).joinBaseUrls).toEqual(['http://192.168.1.20:47100']);
    expectSecurityHeaders(first);
    joinBaseUrls = ['http://10.0.0.7:47100'];
    expect(JSON.parse((await rawRequest(url, '/api/local')).body)).toMatchObject({ joinBaseUrls });
  });

  it('are not found on a standalone service', async () => {
    const url = await serve(webDir);
    expect((await rawRequest(url, '/api/local')).status).toBe(404);
  });
});

describe('static web client', () => {
  it('serves index.html at / without letting it be cached stale', async () => {
    const url = await serve(webDir);
    for (const requestPath of ['/', '/index.html', '/?code=K7M-Q2XW']) {
      const response = await rawRequest(url, requestPath);
      expect(response.status).toBe(200);
      expect(response.body).toBe(INDEX_HTML);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expectSecurityHeaders(response);
    }
  });

  it.each([
    ['/assets/index-AbCd1234.js', 'text/javascript; charset=utf-8'],
    ['/assets/index-Zz9_-xY1.css', 'text/css; charset=utf-8'],
    ['/assets/inter-Q1w2E3r4.woff2', 'font/woff2'],
    ['/logo.svg', 'image/svg+xml'],
    ['/icon.png', 'image/png'],
    ['/favicon.ico', 'image/x-icon'],
    ['/data.json', 'application/json; charset=utf-8'],
    ['/manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
    ['/notes.xyz', 'application/octet-stream'],
  ])('serves %s as %s', async (requestPath, contentType) => {
    const url = await serve(webDir);
    const response = await rawRequest(url, requestPath);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(contentType);
    expectSecurityHeaders(response);
  });

  it('lets browsers keep hashed assets for good, and revalidate everything else', async () => {
    const url = await serve(webDir);
    const hashed = await rawRequest(url, '/assets/index-AbCd1234.js');
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await rawRequest(url, '/logo.svg')).headers['cache-control']).toBe('no-cache');
  });

  it('answers HEAD with the length and no body', async () => {
    const url = await serve(webDir);
    const response = await rawRequest(url, '/assets/index-AbCd1234.js', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe(String('console.log(1)'.length));
    expect(response.body).toBe('');
  });

  it('serves a folder index only for a path ending in /', async () => {
    const url = await serve(webDir);
    expect((await rawRequest(url, '/sub/')).status).toBe(200);
    expect((await rawRequest(url, '/sub')).status).toBe(404);
    expect((await rawRequest(url, '/assets')).status).toBe(404);
  });

  it('answers 404 for files that do not exist', async () => {
    const url = await serve(webDir);
    const response = await rawRequest(url, '/nope.js');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expectSecurityHeaders(response);
  });

  it('only reads: other methods get 405', async () => {
    const url = await serve(webDir);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await rawRequest(url, '/', { method });
      expect(response.status).toBe(405);
      expect(response.headers['allow']).toBe('GET, HEAD');
    }
  });
});

describe('path traversal', () => {
  it.each([
    '/../secret.txt',
    '/../../../../../../etc/passwd',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/%252e%252e/secret.txt',
    '/../web-private/key.txt',
    '/%2e%2e/web-private/key.txt',
    '/leak.txt',
  ])('never serves a file outside the static folder for %s', async (requestPath) => {
    const url = await serve(webDir);
    const response = await rawRequest(url, requestPath);
    expect([400, 404]).toContain(response.status);
    expect(response.body).not.toContain(SECRET);
    expect(response.body).not.toContain(SIBLING_SECRET);
    expectSecurityHeaders(response);
  });

  it('refuses undecodable paths and NUL bytes with 400', async () => {
    const url = await serve(webDir);
    expect((await rawRequest(url, '/%E0%A4%A')).status).toBe(400);
    expect((await rawRequest(url, '/index.html%00.png')).status).toBe(400);
  });

  it('never serves an absolute path given in the URL', async () => {
    const url = await serve(webDir);
    const absolute = `/${encodeURIComponent(path.join(workDir, 'secret.txt'))}`;
    expect((await rawRequest(url, absolute)).status).toBe(404);
  });
});

describe('without a built web client', () => {
  it.each([
    ['no static folder configured', () => undefined],
    ['a folder without index.html', () => emptyDir],
    ['a folder that does not exist', () => path.join(workDir, 'missing')],
  ])('explains at / that the client is not built (%s)', async (_label, staticDir) => {
    const url = await serve(staticDir());
    const response = await rawRequest(url, '/');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body).toBe(CLIENT_NOT_BUILT_MESSAGE);
    expect(response.body).toContain('npm run build');
    expectSecurityHeaders(response);
    expect((await rawRequest(url, '/assets/app.js')).body).toBe('Not found\n');
    expect((await rawRequest(url, '/healthz')).status).toBe(200);
  });
});

describe("the web client's Content-Security-Policy", () => {
  const connectSrc = (response: RawResponse): string[] => {
    const policy = response.headers['content-security-policy'];
    const directive = String(policy)
      .split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith('connect-src '));
    return directive?.split(/\s+/).slice(1) ?? [];
  };

  it('lets the page a standalone service serves connect to that service only, by origin', async () => {
    const url = await serve(webDir);
    const host = new URL(url).host;
    const page = await rawRequest(url, '/');
    expect(connectSrc(page)).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
    const policy = String(page.headers['content-security-policy']);
    // The header narrows connect-src and refuses framing; everything else stays with index.html's
    // meta policy, which the browser enforces beside it (checked on the real page below).
    expect(policy.split(';').map((directive) => directive.trim().split(/\s+/)[0])).toEqual([
      'connect-src',
      'frame-ancestors',
    ]);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(
      await readFile(path.join(import.meta.dirname, '../../renderer/index.html'), 'utf8'),
    )?.[1];
    expect(meta).toContain("default-src 'self'");
    expect(meta).toContain("script-src 'self'");
    expect(meta).toContain("object-src 'none'");
    expect(meta).not.toMatch(/unsafe-inline|unsafe-eval/);
    // The policy is the page's; a script or an image gets none (they are not documents).
    expect(
      (await rawRequest(url, '/assets/index-AbCd1234.js')).headers['content-security-policy'],
    ).toBeUndefined();
  });

  it('adds, by exact origin, the internet service the client was built with', async () => {
    const builtDir = path.join(workDir, 'built-with-internet');
    await mkdir(builtDir, { recursive: true });
    await writeFile(path.join(builtDir, 'index.html'), INDEX_HTML);
    await writeFile(
      path.join(builtDir, 'network-defaults.json'),
      JSON.stringify({ internetSignalingUrl: 'https://signal.example.org', iceServers: [] }),
    );
    const url = await serve(builtDir);
    const sources = connectSrc(await rawRequest(url, '/'));
    expect(sources).toContain('https://signal.example.org');
    expect(sources).toContain('wss://signal.example.org');
    expect(sources.filter((source) => /^[a-z]+:$/.test(source))).toEqual([]);
  });

  it('on a desktop service, adds the nearby desktops found so far and the desktops’ port for those found later', async () => {
    const url = await serve(webDir, () => ({
      joinBaseUrls: [],
      nearby: [{ instanceId: 'b0b', name: 'Bob desktop', url: 'http://192.168.1.30:47123' }],
    }));
    const sources = connectSrc(await rawRequest(url, '/'));
    expect(sources).toEqual(
      expect.arrayContaining([
        "'self'",
        'http://192.168.1.30:47123',
        'ws://192.168.1.30:47123',
        'http://*:47100',
        'ws://*:47100',
      ]),
    );
    // Never a whole scheme.
    expect(sources.filter((source) => /^[a-z]+:$/.test(source))).toEqual([]);
  });

  it('ignores a built-in service file that does not parse, and a Host header that is not one', async () => {
    const builtDir = path.join(workDir, 'built-broken');
    await mkdir(builtDir, { recursive: true });
    await writeFile(path.join(builtDir, 'index.html'), INDEX_HTML);
    await writeFile(
      path.join(builtDir, 'network-defaults.json'),
      '{"internetSignalingUrl": "javascript:alert(1)"',
    );
    const url = await serve(builtDir);
    const page = await rawRequest(url, '/', {
      headers: { Host: "evil.example; script-src 'unsafe-inline'" },
    });
    expect(connectSrc(page)).toEqual(["'self'"]);
    expect(String(page.headers['content-security-policy'])).not.toContain('unsafe-inline');
  });
});
