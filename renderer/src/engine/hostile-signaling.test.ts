/**
 * The engine against a hostile signaling service, in Node with real WebRTC (@roamhq/wrtc): a proxy
 * in front of the real service that (a) rewrites the DTLS fingerprints in the SDP it relays, or (b)
 * sits fully in the middle, answering each device with a WebRTC peer of its own and relaying
 * between them. Every run must end with both devices saying the connection may be intercepted,
 * never "connected", and the middle must never receive a byte of the devices' data channel.
 */
import SimplePeer from '@thaunknown/simple-peer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  rewriteFingerprints,
  startHostileSignaling,
  type HostileHooks,
  type RunningHostileSignaling,
} from '../../../signaling/src/testing/hostile-signaling';
import { startSignalingService, type RunningSignalingService } from '../../../signaling/src/service';
import type { FerryEngine } from './engine';
import { codeShownBy, testDevice, type TestDevice as Device } from './testing/test-device';

/** Runs of each attack; each one must be detected. */
const RUNS = 20;
const ATTACKER_FINGERPRINT = `sha-256 ${Array.from({ length: 32 }, () => 'EE').join(':')}`;

let service: RunningSignalingService;
let hostile: RunningHostileSignaling | null = null;
const engines: FerryEngine[] = [];
const middles: SimplePeer[] = [];

beforeEach(async () => {
  service = await startSignalingService({ host: '127.0.0.1', port: 0, iceServers: [] });
});

afterEach(async () => {
  for (const engine of engines.splice(0)) engine.dispose();
  for (const peer of middles.splice(0)) peer.destroy();
  await hostile?.close();
  hostile = null;
  await service.close();
});

/**
 * A new service and hostile proxy for each run: every run is a first contact, and all runs come
 * from one address, which the service's rate limit on opening and joining codes would slow down.
 */
async function freshServices(hooks: HostileHooks): Promise<void> {
  for (const engine of engines.splice(0)) engine.dispose();
  for (const peer of middles.splice(0)) peer.destroy();
  await hostile?.close();
  await service.close();
  service = await startSignalingService({ host: '127.0.0.1', port: 0, iceServers: [] });
  hostile = await startHostileSignaling(service.url, hooks);
}

function device(name: string, signalingUrl: string): Device {
  return testDevice(name, { signalingUrl: () => signalingUrl }, (engine) => engines.push(engine));
}

/** Ada shows a code, Bob types it, both through `url`; resolves when both have an outcome. */
async function pairThrough(url: string): Promise<{ ada: Device; bob: Device }> {
  const ada = device('Ada', url);
  const bob = device('Bob', url);
  bob.engine.enterCode(await codeShownBy(ada));
  const settled = (d: Device) => ['connected', 'failed'].includes(d.actions.lastProgress?.phase ?? '');
  await ada.actions.until(() => settled(ada));
  await bob.actions.until(() => settled(bob));
  return { ada, bob };
}

function isDescription(data: unknown): data is { type: string; sdp: string } {
  return (
    typeof data === 'object' &&
    data !== null &&
    'sdp' in data &&
    typeof (data as { sdp: unknown }).sdp === 'string'
  );
}

function isPake(data: unknown): boolean {
  return (
    typeof data === 'object' && data !== null && String((data as { type?: unknown }).type).startsWith('pake:')
  );
}

/** (a) Relays everything, but puts its own fingerprint in every SDP. */
const fingerprintRewriter: HostileHooks = {
  relay: (_from, data) =>
    isDescription(data) ? { ...data, sdp: rewriteFingerprints(data.sdp, ATTACKER_FINGERPRINT) } : data,
};

/**
 * (b) A full machine in the middle: the PAKE messages pass (it cannot forge them), but it answers
 * the opener's offer with a WebRTC peer of its own and offers the joiner another, bridging the two
 * data channels and recording whatever crosses them.
 */
function machineInTheMiddle(heard: string[]): HostileHooks {
  let towardsOpener: SimplePeer | null = null;
  let towardsJoiner: SimplePeer | null = null;
  const peer = (initiator: boolean, onSignal: (data: unknown) => void, other: () => SimplePeer | null) => {
    const made = new SimplePeer({ initiator, channelName: 'ferry-control', trickle: true });
    middles.push(made);
    made.on('signal', onSignal);
    made.on('data', (chunk: Uint8Array | string) => {
      heard.push(String(chunk));
      other()?.send(chunk);
    });
    made.on('error', () => undefined);
    return made;
  };
  return {
    relay: (from, data, inject) => {
      if (isPake(data)) return data;
      if (from === 'opener') {
        towardsOpener ??= peer(
          false,
          (signal) => inject.send('opener', signal),
          () => towardsJoiner,
        );
        towardsJoiner ??= peer(
          true,
          (signal) => inject.send('joiner', signal),
          () => towardsOpener,
        );
        towardsOpener.signal(data);
      } else {
        towardsJoiner?.signal(data);
      }
      return null;
    },
  };
}

function expectInterceptionShownOnBoth({ ada, bob }: { ada: Device; bob: Device }): void {
  expect(ada.actions.lastProgress).toEqual({ phase: 'failed', reason: 'intercepted' });
  expect(bob.actions.lastProgress).toEqual({ phase: 'failed', reason: 'intercepted' });
  expect(ada.actions.online.size + bob.actions.online.size).toBe(0);
  expect(ada.engine.sendChat(bob.id, 'secret plans')).toBe('offline');
}

describe('pairing through a hostile signaling service', () => {
  it('pairs through the same proxy when it only relays (the proxy itself breaks nothing)', async () => {
    hostile = await startHostileSignaling(service.url, { relay: (_from, data) => data });
    const { ada, bob } = await pairThrough(hostile.url);
    expect(ada.actions.lastProgress?.phase).toBe('connected');
    expect(bob.actions.lastProgress?.phase).toBe('connected');
  });

  it(`detects rewritten DTLS fingerprints on both devices, ${RUNS} runs out of ${RUNS}`, async () => {
    for (let run = 0; run < RUNS; run++) {
      await freshServices(fingerprintRewriter);
      expectInterceptionShownOnBoth(await pairThrough(hostile?.url ?? ''));
    }
  }, 180_000);

  it(`detects a full machine in the middle on both devices, which hears nothing, ${RUNS} runs out of ${RUNS}`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const heard: string[] = [];
      await freshServices(machineInTheMiddle(heard));
      expectInterceptionShownOnBoth(await pairThrough(hostile?.url ?? ''));
      expect(heard).toEqual([]);
    }
  }, 180_000);
});
