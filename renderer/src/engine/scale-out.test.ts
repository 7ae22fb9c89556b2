/**
 * Two devices pair over real WebRTC (simple-peer over @roamhq/wrtc) while each talks to a
 * different signaling instance; the instances share a real redis-server on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSignalingService, type RunningSignalingService } from '../../../signaling/src/service';
import { REDIS_SERVER_PATH, startRedis } from '../../../signaling/src/testing/redis-server';
import { codeShownBy, testDevice, type TestDevice } from './testing/test-device';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function device(name: string, service: RunningSignalingService): TestDevice {
  return testDevice(name, { signalingUrl: () => service.url }, (engine) =>
    cleanups.push(() => engine.dispose()),
  );
}

// Skipped only where redis-server is missing; scripts/ensure-redis.sh (run by .ci/run) installs it.
describe.skipIf(REDIS_SERVER_PATH === undefined)('pairing across two signaling instances', () => {
  it('pairs a device on instance 1 with one on instance 2 and chats peer to peer', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const one = await startSignalingService({ host: '127.0.0.1', port: 0, redisUrl: redis.url });
    cleanups.push(() => one.close());
    const two = await startSignalingService({ host: '127.0.0.1', port: 0, redisUrl: redis.url });
    cleanups.push(() => two.close());

    const ada = device('Ada', one);
    const bob = device('Bob', two);
    bob.engine.enterCode(await codeShownBy(ada));
    await ada.actions.until(() => ada.actions.online.has(bob.id));
    await bob.actions.until(() => bob.actions.online.has(ada.id));
    // The PAKE ran through both instances: both show the same verification phrase.
    expect(bob.actions.lastProgress).toEqual({
      phase: 'connected',
      peerId: ada.id,
      peerName: 'Ada',
      verificationPhrase: expect.stringMatching(/^\d{4} \d{4}$/),
    });
    expect(ada.actions.lastProgress).toMatchObject({
      verificationPhrase: (bob.actions.lastProgress as { verificationPhrase: string }).verificationPhrase,
    });

    // The pair is peer to peer now: both instances can go and chat still flows.
    await one.close();
    await two.close();
    expect(ada.engine.sendChat(bob.id, 'across instances')).toBe('sent');
    await bob.actions.until(() => bob.actions.incoming.some((line) => line.text === 'across instances'));
  }, 60_000);
});
