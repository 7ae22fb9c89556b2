/**
 * One code on two services (an internet service and the desktop's embedded one), in Node with
 * real signaling services on loopback and real WebRTC: whichever service the other device reaches,
 * the pairing goes through it, and the code is closed on the other.
 */
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGNALING_PROTOCOL_VERSION } from '../../../contracts/signaling';
import { startSignalingService, type RunningSignalingService } from '../../../signaling/src/service';
import type { FerryEngine } from './engine';
import { codeShownBy, testDevice } from './testing/test-device';

let internet: RunningSignalingService;
let embedded: RunningSignalingService;
const engines: FerryEngine[] = [];

beforeEach(async () => {
  internet = await startSignalingService({ host: '127.0.0.1', port: 0, iceServers: [] });
  embedded = await startSignalingService({ host: '127.0.0.1', port: 0, iceServers: [] });
});

afterEach(async () => {
  for (const engine of engines.splice(0)) engine.dispose();
  await Promise.all([internet.close(), embedded.close()]);
});

function device(name: string, signalingUrl: () => string, mirrors: () => string[] = () => []) {
  return testDevice(name, { signalingUrl, mirrorSignalingUrls: mirrors }, (engine) => engines.push(engine));
}

/** Whether a service still holds the nameplate (`pair:lookup` joins and ends nothing). */
async function held(url: string, nameplate: string): Promise<boolean> {
  const probe = io(url, {
    auth: { protocol: SIGNALING_PROTOCOL_VERSION },
    forceNew: true,
    transports: ['websocket'],
  });
  try {
    const reply = (await probe.timeout(5_000).emitWithAck('pair:lookup', { nameplate })) as { ok: boolean };
    return reply.ok;
  } finally {
    probe.close();
  }
}

describe('a code shown by a desktop with an internet service', () => {
  it.each([
    ['the embedded service (same network)', () => embedded.url],
    ['the internet service (elsewhere)', () => internet.url],
  ])('pairs a device that joins through %s, and closes the code on the other', async (_where, url) => {
    const ada = device(
      'ada',
      () => internet.url,
      () => [embedded.url],
    );
    const bob = device('bob', url);
    const code = await codeShownBy(ada);
    const nameplate = code.split('-')[0] ?? '';
    expect(await held(internet.url, nameplate)).toBe(true);
    expect(await held(embedded.url, nameplate)).toBe(true);

    bob.engine.enterCode(code);
    await ada.actions.until(() => ada.actions.online.has(bob.id));
    await bob.actions.until(() => bob.actions.online.has(ada.id));
    const other = url() === internet.url ? embedded.url : internet.url;
    await expect.poll(() => held(other, nameplate)).toBe(false);
  });

  it('still works through the internet service when the embedded one cannot take the code', async () => {
    // Port 1 on loopback: refused at once, as a desktop whose embedded service is down.
    const ada = device(
      'ada',
      () => internet.url,
      () => ['http://127.0.0.1:1'],
    );
    const bob = device('bob', () => internet.url);
    const code = await codeShownBy(ada);
    bob.engine.enterCode(code);
    await ada.actions.until(() => ada.actions.online.has(bob.id));
    await bob.actions.until(() => bob.actions.online.has(ada.id));
  });
});
