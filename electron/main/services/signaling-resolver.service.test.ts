/**
 * The resolver against the real embedded signaling service (signaling/src/service.ts) on this
 * machine's loopback: what two Ferry profiles on one computer actually go through.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSignalingService } from '../../../signaling/src/service';
import { createMemoryLogger } from '../test-support/memory-logger';
import { resolveSignaling, type ResolvedSignaling } from './signaling-resolver';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listenHttp(handler: ConstructorParameters<typeof Server>[1]): Promise<number> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

async function resolveOn(port: number): Promise<ResolvedSignaling> {
  const resolved = await resolveSignaling({
    env: { FERRY_EMBEDDED_PORT: String(port), FERRY_EMBEDDED_HOST: '127.0.0.1' },
    startService: startSignalingService,
    fetch,
    logger: createMemoryLogger(),
  });
  cleanups.push(() => resolved.stop());
  return resolved;
}

async function health(url: string): Promise<unknown> {
  return (await fetch(`${url}/healthz`)).json();
}

/** A port that was free a moment ago: start and stop a real service on an ephemeral port. */
async function freePort(): Promise<number> {
  const probe = await startSignalingService({ port: 0, host: '127.0.0.1' });
  await probe.close();
  return probe.port;
}

describe('resolveSignaling with the real signaling service', () => {
  it('starts the service, and a second profile on the same port shares it', async () => {
    const port = await freePort();
    const first = await resolveOn(port);
    expect(first).toMatchObject({ url: `http://127.0.0.1:${port}`, source: 'embedded' });
    expect(await health(first.url)).toMatchObject({ service: 'ferry-signaling' });

    const second = await resolveOn(port);
    expect(second).toMatchObject({ url: first.url, source: 'shared-embedded' });

    // The second profile quitting must not take the first one's service down.
    await second.stop();
    expect(await health(first.url)).toMatchObject({ service: 'ferry-signaling' });

    await first.stop();
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();
  });

  it('moves to a free port when another program holds the port', async () => {
    const taken = await listenHttp((_request, response) => {
      response.writeHead(404);
      response.end('not ferry');
    });
    const resolved = await resolveOn(taken);
    expect(resolved.source).toBe('embedded');
    expect(resolved.url).not.toBe(`http://127.0.0.1:${taken}`);
    expect(await health(resolved.url)).toMatchObject({ service: 'ferry-signaling' });
  });
});
