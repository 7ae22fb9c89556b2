import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../test-support/memory-logger';
import {
  DEFAULT_EMBEDDED_PORT,
  isFerrySignaling,
  localAddressOf,
  resolveSignaling,
  type ProbeFetch,
  type ResolveSignalingOptions,
  type StartService,
  type StartServiceOptions,
} from './signaling-resolver';

const inUse = () => Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });

/** A fake service starter: ports in `taken` are busy; records every attempt and every close. */
function fakeStarter(taken: number[] = []) {
  const attempts: StartServiceOptions[] = [];
  const closed: number[] = [];
  const start: StartService = async (options) => {
    attempts.push(options);
    if (taken.includes(options.port)) throw inUse();
    const port = options.port === 0 ? 53_211 : options.port;
    return { url: `http://127.0.0.1:${port}`, port, close: async () => void closed.push(port) };
  };
  return { start, attempts, closed };
}

const answering =
  (body: unknown): ProbeFetch =>
  async () => ({ ok: true, json: async () => body });
const unreachable: ProbeFetch = async () => {
  throw new TypeError('fetch failed');
};

function options(overrides: Partial<ResolveSignalingOptions> = {}): ResolveSignalingOptions {
  return {
    env: {},
    startService: fakeStarter().start,
    fetch: unreachable,
    logger: createMemoryLogger(),
    ...overrides,
  };
}

describe('resolveSignaling', () => {
  it('uses FERRY_SIGNAL_URL instead of the embedded service, and starts nothing', async () => {
    const starter = fakeStarter();
    const resolved = await resolveSignaling(
      options({
        env: { FERRY_SIGNAL_URL: 'https://signal.example/' },
        startService: starter.start,
      }),
    );
    expect(resolved).toMatchObject({ url: 'https://signal.example', source: 'env', lanPort: undefined });
    expect(starter.attempts).toEqual([]);
  });

  it('ignores a FERRY_SIGNAL_URL that is not http(s), with a warning', async () => {
    const logger = createMemoryLogger();
    const resolved = await resolveSignaling(
      options({
        env: { FERRY_SIGNAL_URL: 'javascript:alert(1)' },
        logger,
      }),
    );
    expect(resolved).toMatchObject({ url: 'http://127.0.0.1:47100', source: 'embedded', lanPort: 47100 });
    expect(logger.entries.some((entry) => entry.level === 'warn')).toBe(true);
  });

  it('starts the embedded service on the default port on all interfaces, serving the renderer', async () => {
    const starter = fakeStarter();
    const resolved = await resolveSignaling(
      options({ startService: starter.start, staticDir: '/app/out/renderer' }),
    );
    expect(starter.attempts).toEqual([
      { port: DEFAULT_EMBEDDED_PORT, host: '0.0.0.0', staticDir: '/app/out/renderer' },
    ]);
    expect(resolved).toMatchObject({ url: `http://127.0.0.1:${DEFAULT_EMBEDDED_PORT}`, source: 'embedded' });
    await resolved.stop();
    expect(starter.closed).toEqual([DEFAULT_EMBEDDED_PORT]);
  });

  it('takes port and host from FERRY_EMBEDDED_PORT / FERRY_EMBEDDED_HOST', async () => {
    const starter = fakeStarter();
    const resolved = await resolveSignaling(
      options({
        env: { FERRY_EMBEDDED_PORT: '47555', FERRY_EMBEDDED_HOST: '127.0.0.1' },
        startService: starter.start,
      }),
    );
    expect(starter.attempts).toEqual([{ port: 47555, host: '127.0.0.1' }]);
    expect(resolved.url).toBe('http://127.0.0.1:47555');
    expect(resolved.source).toBe('embedded');
    // Bound to loopback: no other device can reach it, so it offers no join address.
    expect(resolved.lanPort).toBeUndefined();
  });

  it('falls back to the default port when FERRY_EMBEDDED_PORT is not a port', async () => {
    const starter = fakeStarter();
    await resolveSignaling(options({ env: { FERRY_EMBEDDED_PORT: '70000' }, startService: starter.start }));
    expect(starter.attempts[0]?.port).toBe(DEFAULT_EMBEDDED_PORT);
  });

  it('shares the service of another Ferry that holds the port, and never stops it', async () => {
    const starter = fakeStarter([DEFAULT_EMBEDDED_PORT]);
    const probed: string[] = [];
    const resolved = await resolveSignaling(
      options({
        startService: starter.start,
        fetch: async (url) => {
          probed.push(url);
          return { ok: true, json: async () => ({ service: 'ferry-signaling', version: 1 }) };
        },
      }),
    );
    expect(probed).toEqual([`http://127.0.0.1:${DEFAULT_EMBEDDED_PORT}/healthz`]);
    expect(resolved).toMatchObject({
      url: `http://127.0.0.1:${DEFAULT_EMBEDDED_PORT}`,
      source: 'shared-embedded',
      lanPort: DEFAULT_EMBEDDED_PORT,
    });
    expect(starter.attempts).toHaveLength(1);
    await resolved.stop();
    expect(starter.closed).toEqual([]);
  });

  it.each([
    ['nothing answers', unreachable],
    ['something else answers', answering({ service: 'grafana' })],
    ['an error page answers', (async () => ({ ok: false, json: async () => ({}) })) satisfies ProbeFetch],
  ])('takes a free port when another program holds the port (%s)', async (_case, fetch) => {
    const starter = fakeStarter([DEFAULT_EMBEDDED_PORT]);
    const resolved = await resolveSignaling(options({ startService: starter.start, fetch }));
    expect(starter.attempts.map((attempt) => attempt.port)).toEqual([DEFAULT_EMBEDDED_PORT, 0]);
    expect(resolved).toMatchObject({ url: 'http://127.0.0.1:53211', source: 'embedded' });
  });

  it('lets other start failures through (the caller reports them)', async () => {
    const resolved = resolveSignaling(
      options({
        startService: () => Promise.reject(Object.assign(new Error('bad host'), { code: 'EADDRNOTAVAIL' })),
      }),
    );
    await expect(resolved).rejects.toThrow('bad host');
  });
});

describe('isFerrySignaling against a real HTTP server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  async function serve(status: number, body: string): Promise<string> {
    server = createServer((_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}`;
  }

  it('recognises a Ferry /healthz answer', async () => {
    expect(await isFerrySignaling(fetch, await serve(200, '{"service":"ferry-signaling","ok":true}'))).toBe(
      true,
    );
  });

  it.each([
    [200, '{"service":"other"}'],
    [200, 'not json'],
    [404, '{"service":"ferry-signaling"}'],
  ])('rejects %d %s', async (status, body) => {
    expect(await isFerrySignaling(fetch, await serve(status, body))).toBe(false);
  });
});

describe('localAddressOf', () => {
  it.each([
    ['0.0.0.0', '127.0.0.1'],
    ['::', '[::1]'],
    ['192.168.1.20', '192.168.1.20'],
    ['fe80::1', '[fe80::1]'],
  ])('%s → %s', (host, expected) => {
    expect(localAddressOf(host)).toBe(expected);
  });
});
