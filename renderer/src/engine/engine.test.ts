/**
 * The engine end to end in Node: two engines, a real signaling service on loopback, and real
 * WebRTC (simple-peer over @roamhq/wrtc). The browser tier repeats the journeys through the UI.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSignalingService, type RunningSignalingService } from '../../../signaling/src/service';
import { FerryEngine, type EngineDeps } from './engine';
import { RecordingActions } from './testing/recording-actions';
import type { LocalIdentity } from './pairing-attempt';
import { testIdentity } from './testing/test-identity';

interface TestDevice {
  readonly engine: FerryEngine;
  readonly actions: RecordingActions;
  readonly id: string;
}

let service: RunningSignalingService;
const devices: TestDevice[] = [];

function device(
  name: string,
  where: Partial<Pick<EngineDeps, 'signalingUrl' | 'nearbyServiceUrls' | 'lookupNameplate'>> = {},
  identity: LocalIdentity = testIdentity(name),
): TestDevice & { rename(to: string): void } {
  const actions = new RecordingActions();
  const id = identity.deviceId;
  let deviceName = name;
  const engine = new FerryEngine({
    actions,
    identity: () => ({ ...identity, deviceName }),
    signalingUrl: () => service.url,
    extraIceServers: () => [],
    ...where,
  });
  const made = {
    engine,
    actions,
    id,
    rename: (to: string) => {
      deviceName = to;
    },
  };
  devices.push(made);
  return made;
}

async function codeShownBy(opener: TestDevice): Promise<string> {
  opener.engine.showMyCode();
  await opener.actions.until(() => opener.actions.lastProgress?.phase === 'showing-code');
  const shown = opener.actions.lastProgress;
  if (shown?.phase !== 'showing-code') throw new Error('no code shown');
  return shown.code;
}

async function pair(opener: TestDevice, joiner: TestDevice): Promise<void> {
  const code = await codeShownBy(opener);
  joiner.engine.enterCode(code.toLowerCase());
  await opener.actions.until(() => opener.actions.online.has(joiner.id));
  await joiner.actions.until(() => joiner.actions.online.has(opener.id));
}

beforeEach(async () => {
  service = await startSignalingService({ host: '127.0.0.1', port: 0, iceServers: [] });
});

afterEach(async () => {
  for (const { engine } of devices.splice(0)) engine.dispose();
  await service.close();
});

describe('FerryEngine', () => {
  it('pairs two devices by code and reports both as connected', async () => {
    const ada = device('Ada');
    const bob = device('Bob');
    await pair(ada, bob);
    expect(ada.actions.lastProgress).toEqual({
      phase: 'connected',
      peerId: bob.id,
      peerName: 'Bob',
      verificationPhrase: expect.stringMatching(/^\d{4} \d{4}$/),
    });
    expect(bob.actions.lastProgress).toEqual({
      phase: 'connected',
      peerId: ada.id,
      peerName: 'Ada',
      verificationPhrase: expect.stringMatching(/^\d{4} \d{4}$/),
    });
    // Both derive the phrase from the same PAKE key, so both people see the same one.
    const phrase = (progress: typeof ada.actions.lastProgress) =>
      progress?.phase === 'connected' ? progress.verificationPhrase : null;
    expect(phrase(ada.actions.lastProgress)).toBe(phrase(bob.actions.lastProgress));
    // Connecting may be reported more than once, saying what is being tried; the phases keep their order.
    const phases = bob.actions.progress.map((p) => p.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(['checking-code', 'connecting', 'connected']);
  });

  it('tells connected devices at once when this device is renamed', async () => {
    const ada = device('Ada');
    const bob = device('Bob');
    await pair(ada, bob);
    ada.rename('Ada’s new laptop');
    ada.engine.announceIdentity();
    await bob.actions.until(() => bob.actions.online.get(ada.id)?.name === 'Ada’s new laptop');
    // Nothing else happened on the way: still connected, and pairing is not re-run.
    expect(bob.actions.lastProgress).toMatchObject({ phase: 'connected', peerName: 'Ada' });
    expect(ada.engine.isOnline(bob.id)).toBe(true);
  });

  it('delivers chat both ways and marks lines delivered when acknowledged', async () => {
    const ada = device('Ada');
    const bob = device('Bob');
    await pair(ada, bob);

    expect(ada.engine.sendChat(bob.id, '  hello bob  ')).toBe('sent');
    await bob.actions.until(() => bob.actions.incoming.length === 1);
    expect(bob.actions.incoming[0]?.text).toBe('hello bob');
    const sent = ada.actions.outgoing[0];
    await ada.actions.until(() => ada.actions.statuses.get(sent?.id ?? '') === 'delivered');

    expect(bob.engine.sendChat(ada.id, 'hi ada')).toBe('sent');
    await ada.actions.until(() => ada.actions.incoming.some((line) => line.text === 'hi ada'));
  });

  it('shows a resent line once but acknowledges it again', async () => {
    const ada = device('Ada');
    const bob = device('Bob');
    await pair(ada, bob);
    ada.engine.sendChat(bob.id, 'once');
    const line = ada.actions.outgoing[0];
    if (!line) throw new Error('no outgoing line');
    await ada.actions.until(() => ada.actions.statuses.get(line.id) === 'delivered');
    expect(ada.engine.resendChat(bob.id, line)).toBe('sent');
    await ada.actions.until(() => ada.actions.statuses.get(line.id) === 'delivered');
    ada.engine.sendChat(bob.id, 'twice');
    await bob.actions.until(() => bob.actions.incoming.some((l) => l.text === 'twice'));
    expect(bob.actions.incoming.filter((l) => l.text === 'once')).toHaveLength(1);
  });

  it('keeps chatting after the signaling service is gone', async () => {
    const ada = device('Ada');
    const bob = device('Bob');
    await pair(ada, bob);
    await service.close();
    ada.engine.sendChat(bob.id, 'no service needed');
    await bob.actions.until(() => bob.actions.incoming.some((l) => l.text === 'no service needed'));
  });

  it('turns away a joiner whose secret half of the code is wrong, on both sides', async () => {
    const ada = device('Ada');
    const bob = device('Bob');
    const code = await codeShownBy(ada);
    // The secret is what follows the dash; the nameplate before it may be of any length.
    const [nameplate = '', secret = ''] = code.split('-');
    const wrong = `${nameplate}-${secret.startsWith('2') ? '3' : '2'}${secret.slice(1)}`;
    bob.engine.enterCode(wrong);
    await bob.actions.until(() => bob.actions.lastProgress?.phase === 'failed');
    await ada.actions.until(() => ada.actions.lastProgress?.phase === 'failed');
    expect(bob.actions.lastProgress).toEqual({ phase: 'failed', reason: 'code-mismatch' });
    expect(ada.actions.lastProgress).toEqual({ phase: 'failed', reason: 'code-mismatch' });
    expect(ada.actions.online.size + bob.actions.online.size).toBe(0);
    // One guess per code: the service closed the nameplate, so the right code no longer works.
    const carol = device('Carol');
    carol.engine.enterCode(code);
    await carol.actions.until(() => carol.actions.lastProgress?.phase === 'failed');
    expect(carol.actions.lastProgress).toEqual({ phase: 'failed', reason: 'code-used' });
  });

  it('refuses a device that claims another device id without its key, on both sides', async () => {
    const bob = device('Bob');
    const ada = device('Ada');
    // Mallory knows Bob's id (it is no secret) and the code, but holds a key of its own.
    const mallory = device('Bob', {}, { ...testIdentity('Bob'), deviceId: bob.id });
    const code = await codeShownBy(ada);
    mallory.engine.enterCode(code);
    await ada.actions.until(() => ada.actions.lastProgress?.phase === 'failed');
    await mallory.actions.until(() => mallory.actions.lastProgress?.phase === 'failed');
    expect(ada.actions.lastProgress).toEqual({ phase: 'failed', reason: 'identity-refused' });
    expect(ada.actions.online.size).toBe(0);
    expect(ada.engine.isOnline(bob.id)).toBe(false);
  });

  it('explains unknown and malformed codes without touching the network twice', async () => {
    const bob = device('Bob');
    bob.engine.enterCode('not a code!');
    expect(bob.actions.lastProgress).toEqual({ phase: 'failed', reason: 'code-malformed' });
    bob.engine.enterCode('ZZZ-ZZZZ');
    await bob.actions.until(() => bob.actions.lastProgress?.phase === 'failed');
    expect(bob.actions.lastProgress).toEqual({ phase: 'failed', reason: 'code-not-found' });
  });

  it('reports the peer offline when it closes, and undelivered lines as failed', async () => {
    const ada = device('Ada');
    const bob = device('Bob');
    await pair(ada, bob);
    bob.engine.dispose();
    await ada.actions.until(() => ada.actions.offline.includes(bob.id));
    expect(ada.engine.sendChat(bob.id, 'anyone?')).toBe('offline');
    const line = ada.actions.outgoing.at(-1);
    expect(ada.actions.statuses.get(line?.id ?? '')).toBe('failed');
  });
});

describe('a code held on a nearby device', () => {
  let nearby: RunningSignalingService;

  beforeEach(async () => {
    nearby = await startSignalingService({ host: '127.0.0.1', port: 0, iceServers: [] });
  });

  afterEach(async () => {
    await nearby.close();
  });

  it("finds the code on the nearby device's service and pairs there, with nothing configured", async () => {
    // Ada shows her code on her own (embedded) service; Bob's app talks to another one.
    const ada = device('Ada', { signalingUrl: () => nearby.url });
    const bob = device('Bob', { nearbyServiceUrls: () => [`${nearby.url}/`] });
    await pair(ada, bob);
    expect(bob.actions.lastProgress).toEqual({
      phase: 'connected',
      peerId: ada.id,
      peerName: 'Ada',
      verificationPhrase: expect.stringMatching(/^\d{4} \d{4}$/),
    });
    expect(ada.actions.lastProgress).toEqual({
      phase: 'connected',
      peerId: bob.id,
      peerName: 'Bob',
      verificationPhrase: expect.stringMatching(/^\d{4} \d{4}$/),
    });
  });

  it('finds a code held on the configured service while nearby services do not know it', async () => {
    const ada = device('Ada');
    const bob = device('Bob', { nearbyServiceUrls: () => [nearby.url] });
    await pair(ada, bob);
    expect(bob.actions.lastProgress?.phase).toBe('connected');
  });

  it('says why when no service holds the code, and a nearby device that is gone does not hide it', async () => {
    const bob = device('Bob', {
      nearbyServiceUrls: () => [nearby.url, 'http://127.0.0.1:9'],
    });
    bob.engine.enterCode('ZZZ-ZZZZ');
    await bob.actions.until(() => bob.actions.lastProgress?.phase === 'failed');
    expect(bob.actions.lastProgress).toEqual({ phase: 'failed', reason: 'code-not-found' });
  });

  it("looks the code up on the chosen device's service first", async () => {
    const asked: string[] = [];
    const ada = device('Ada', { signalingUrl: () => nearby.url });
    const bob = device('Bob', {
      nearbyServiceUrls: () => [nearby.url],
      lookupNameplate: async (url) => {
        asked.push(url);
        return url === nearby.url
          ? { ok: true, value: null }
          : { ok: false, error: { code: 'CODE_NOT_FOUND' } };
      },
    });
    const code = await codeShownBy(ada);
    bob.engine.enterCode(code, { preferredServiceUrls: [nearby.url] });
    await bob.actions.until(() => bob.actions.online.has(ada.id));
    expect(asked).toEqual([nearby.url]);
  });

  it('drops a lookup that finishes after the person cancelled', async () => {
    let answer: (() => void) | undefined;
    const bob = device('Bob', {
      nearbyServiceUrls: () => [nearby.url],
      lookupNameplate: () =>
        new Promise((resolve) => {
          answer = () => resolve({ ok: true, value: null });
        }),
    });
    bob.engine.enterCode('K7M-Q2XW');
    expect(bob.actions.lastProgress).toEqual({ phase: 'checking-code' });
    bob.engine.cancelPairing();
    answer?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bob.actions.lastProgress).toEqual({ phase: 'idle' });
  });
});
