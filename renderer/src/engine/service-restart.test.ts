/**
 * Graceful shutdown as a client lives it: the service says `service:closing` and goes; the client
 * (the real SignalingConnection) reconnects and takes its open code back, on the same address once
 * the service is back, or on another instance behind a balancer (two instances on a real
 * redis-server, a TCP forwarder playing the balancer).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSignalingService, type RunningSignalingService } from '../../../signaling/src/service';
import { REDIS_SERVER_PATH, startRedis } from '../../../signaling/src/testing/redis-server';
import { connectClient, valueOf } from '../../../signaling/src/testing/signaling-clients';
import { startTcpForwarder } from '../../../signaling/src/testing/tcp-forwarder';
import { SignalingConnection } from './signaling-client';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function service(port = 0, redisUrl?: string): Promise<RunningSignalingService> {
  const started = await startSignalingService({ host: '127.0.0.1', port, redisUrl });
  cleanups.push(() => started.close());
  return started;
}

/** Joins `nameplate` through `url` once it is open there again (the opener is reconnecting). */
async function joinWhenBack(url: string, nameplate: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  // Each look from an address of its own: a miss costs its address tokens (sweeps pay).
  for (let attempt = 1; ; attempt++) {
    const joiner = await connectClient(url, { localAddress: `127.0.9.${attempt}` });
    cleanups.push(() => void joiner.close());
    const lookup = await joiner.emitWithAck('pair:lookup', { nameplate });
    if (lookup.ok) {
      valueOf(await joiner.emitWithAck('pair:join', { nameplate }));
      return;
    }
    if (Date.now() > deadline || attempt > 200) throw new Error(`code never came back: ${lookup.error.code}`);
    joiner.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a service shutting down', () => {
  it('loses no open code: the client reconnects to the restarted service and takes it back', async () => {
    const first = await service();
    let peerJoined = false;
    let ended: string | undefined;
    const connection = new SignalingConnection(first.url, {
      onPeerJoined: () => (peerJoined = true),
      onPairEnded: (reason) => (ended = reason),
    });
    cleanups.push(() => connection.close());
    const opened = valueOf(await connection.open());

    await first.close();
    const second = await service(first.port);
    await joinWhenBack(second.url, opened.nameplate);
    await expect.poll(() => peerJoined, { timeout: 20_000 }).toBe(true);
    expect(ended).toBeUndefined();
  }, 60_000);

  it.skipIf(REDIS_SERVER_PATH === undefined)(
    'moves the code to another instance behind the balancer when one stops',
    async () => {
      const redis = await startRedis();
      cleanups.push(() => redis.stop());
      const one = await service(0, redis.url);
      const two = await service(0, redis.url);
      let port = one.port;
      const forwarder = await startTcpForwarder(() => port);
      cleanups.push(() => forwarder.close());
      const balancer = forwarder.url;
      let peerJoined = false;
      const connection = new SignalingConnection(balancer, { onPeerJoined: () => (peerJoined = true) });
      cleanups.push(() => connection.close());
      const opened = valueOf(await connection.open());

      // Instance one leaves the rotation and stops; the balancer sends everyone to two.
      port = two.port;
      await one.close();
      await joinWhenBack(two.url, opened.nameplate);
      await expect.poll(() => peerJoined, { timeout: 20_000 }).toBe(true);
    },
    60_000,
  );
});
