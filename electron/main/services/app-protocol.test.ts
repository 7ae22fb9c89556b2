import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_PAGE_URL,
  APP_SCHEME_PRIVILEGES,
  appFileFor,
  createAppProtocolHandler,
  mimeTypeOf,
} from './app-protocol';

let base: string;
let rendererDir: string;
beforeAll(async () => {
  base = await fs.mkdtemp(join(tmpdir(), 'ferry-app-protocol-'));
  rendererDir = join(base, 'renderer');
  await fs.mkdir(join(rendererDir, 'assets'), { recursive: true });
  await fs.writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Ferry</title>');
  await fs.writeFile(join(rendererDir, 'assets', 'index-1a2b.js'), 'console.log(1)');
  await fs.writeFile(join(base, 'secret.txt'), 'not for the page');
});
afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe('app:// (the page served by main)', () => {
  it('is a privileged scheme: standard, secure, fetch and CORS for module scripts', () => {
    expect(APP_PAGE_URL).toBe('app://ferry/index.html');
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    });
  });

  it('maps URLs to files of the built renderer, and nothing outside it', () => {
    const dir = '/opt/ferry/out/renderer';
    expect(appFileFor('app://ferry/index.html', dir)).toBe('/opt/ferry/out/renderer/index.html');
    expect(appFileFor('app://ferry/', dir)).toBe('/opt/ferry/out/renderer/index.html');
    expect(appFileFor('app://ferry/assets/a%20b.js?v=1#x', dir)).toBe(
      '/opt/ferry/out/renderer/assets/a b.js',
    );
    // The URL parser already folds dot segments: what is left stays inside the folder.
    expect(appFileFor('app://ferry/../secret.txt', dir)).toBe('/opt/ferry/out/renderer/secret.txt');
    expect(appFileFor('app://ferry/%2e%2e/secret.txt', dir)).toBe('/opt/ferry/out/renderer/secret.txt');
    for (const url of [
      'app://ferry/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://ferry/..%5csecret.txt',
      'app://ferry/index.html%00.js',
      'app://ferry/%E0%A4%A',
      'app://other/index.html',
      'file:///opt/ferry/out/renderer/index.html',
      'not a url',
    ]) {
      expect(appFileFor(url, dir), url).toBeUndefined();
    }
  });

  it('names the content type of each kind of file, unknown kinds as bytes', () => {
    expect(mimeTypeOf('/r/index.html')).toBe('text/html; charset=utf-8');
    expect(mimeTypeOf('/r/assets/x.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeOf('/r/assets/x.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeOf('/r/favicon.svg')).toBe('image/svg+xml');
    expect(mimeTypeOf('/r/blob.bin')).toBe('application/octet-stream');
  });

  it('answers our files with their type, and 404 or 405 for anything else', async () => {
    const handle = createAppProtocolHandler({ rendererDir });
    const page = await handle({ url: 'app://ferry/index.html', method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Ferry</title>');
    const script = await handle({ url: 'app://ferry/assets/index-1a2b.js' });
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    expect((await handle({ url: 'app://ferry/../secret.txt' })).status).toBe(404);
    expect((await handle({ url: 'app://ferry/%2e%2e/secret.txt' })).status).toBe(404);
    expect((await handle({ url: 'app://ferry/missing.js' })).status).toBe(404);
    expect((await handle({ url: 'app://ferry/assets' })).status).toBe(404);
    expect((await handle({ url: 'app://ferry/index.html', method: 'POST' })).status).toBe(405);
  });
});
