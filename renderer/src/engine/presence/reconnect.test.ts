/**
 * Remembered devices coming back by themselves, in Node: engines with their remembered devices
 * kept in a book that outlives them (as IndexedDB outlives a page), a real signaling service on
 * loopback, and real WebRTC (simple-peer over @roamhq/wrtc). "Reloading" a device disposes its
 * engine and starts a new one on the same identity and book.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSignalingService, type RunningSignalingService } from '../../../../signaling/src/service';
import { FerryEngine } from '../engine';
import type { LocalIdentity } from '../pairing-attempt';
import { memoryDeviceBook, type DeviceBook } from '../remembered/device-book';
import { RememberedDevices } from '../remembered/remembered-devices';
import { RecordingActions } from '../testing/recording-actions';
import { testIdentity } from '../testing/test-identity';

interface Profile {
  readonly identity: LocalIdentity;
  readonly book: DeviceBook;
}

interface Running {
  readonly engine: FerryEngine;
  readonly actions: RecordingActions;
  readonly remembered: RememberedDevices;
  readonly id: string;
}

let service: RunningSignalingService;
const running: Running[] = [];

function profile(name: string): Profile {
  return { identity: testIdentity(name), book: memoryDeviceBook() };
}

/** Starts Ferry on a profile, as a page load does: remembered devices loaded, then looked for. */
async function open(profile: Profile): Promise<Running> {
  const actions = new RecordingActions();
  const remembered = new RememberedDevices(profile.book);
  await remembered.load();
  const engine = new FerryEngine({
    actions,
    identity: () => profile.identity,
    signalingUrl: () => service.url,
    extraIceServers: () => [],
    remembered,
  });
  engine.startReconnecting();
  const started = { engine, actions, remembered, id: profile.identity.deviceId };
  running.push(started);
  return started;
}

/** Closes it as a page close does; what is saved stays in the profile's book. */
async function close(device: Running): Promise<void> {
  device.engine.dispose();
  await device.remembered.settled();
}

async function pair(opener: Running, joiner: Running): Promise<void> {
  opener.engine.showMyCode();
  await opener.actions.until(() => opener.actions.lastProgress?.phase === 'showing-code');
  const shown = opener.actions.lastProgress;
  if (shown?.phase !== 'showing-code') throw new Error('no code shown');
  joiner.engine.enterCode(shown.code);
  await opener.actions.until(() => opener.engine.isOnline(joiner.id));
  await joiner.actions.until(() => joiner.engine.isOnline(opener.id));
}

function online(device: Running, peer: Running): Promise<void> {
  return device.actions.until(() => device.engine.isOnline(peer.id), 20_000);
}

beforeEach(async () => {
  service = await startSignalingService({ host: '127.0.0.1', port: 0, iceServers: [] });
});

afterEach(async () => {
  for (const device of running.splice(0)) device.engine.dispose();
  await service.close();
});

describe('remembered devices', () => {
  it('remember each other after pairing: key, pinned fingerprint, name, last seen', async () => {
    const [a, b] = [profile('Ada'), profile('Bob')];
    const ada = await open(a);
    const bob = await open(b);
    await pair(ada, bob);
    await ada.remembered.settled();
    const [kept] = await a.book.devices();
    expect(kept).toMatchObject({ id: bob.id, name: 'Bob', publicKey: b.identity.publicKey });
    expect(kept?.certificateFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('reconnect without a code after both reload, and chat works', async () => {
    const [a, b] = [profile('Ada'), profile('Bob')];
    const [ada, bob] = [await open(a), await open(b)];
    await pair(ada, bob);
    await Promise.all([close(ada), close(bob)]);

    const [ada2, bob2] = [await open(a), await open(b)];
    await Promise.all([online(ada2, bob2), online(bob2, ada2)]);
    // No pairing ran on either side.
    expect(ada2.actions.progress).toEqual([]);
    expect(bob2.actions.progress).toEqual([]);
    expect(ada2.engine.sendChat(bob2.id, 'back again')).toBe('sent');
    await bob2.actions.until(() => bob2.actions.incoming.some((line) => line.text === 'back again'));
    await ada2.actions.until(() => [...ada2.actions.statuses.values()].includes('delivered'));
  });

  it('reconnect without a code when the signaling service restarts', async () => {
    const [a, b] = [profile('Ada'), profile('Bob')];
    const [ada, bob] = [await open(a), await open(b)];
    await pair(ada, bob);
    const port = service.port;
    await service.close();
    // Bob reloads while the service is down: nothing to meet through until it is back.
    await close(bob);
    const bob2 = await open(b);
    await ada.actions.until(() => !ada.engine.isOnline(bob2.id));
    service = await startSignalingService({ host: '127.0.0.1', port, iceServers: [] });
    // The presence sockets come back by themselves (socket.io back-off); wake() skips the wait, as
    // the `online` event does in a page.
    ada.engine.wake();
    bob2.engine.wake();
    await Promise.all([online(ada, bob2), online(bob2, ada)]);
  });

  it('deliver lines written while the other device was closed, once, in order, when it opens', async () => {
    const [a, b] = [profile('Ada'), profile('Bob')];
    const [ada, bob] = [await open(a), await open(b)];
    await pair(ada, bob);
    await close(bob);
    await ada.actions.until(() => !ada.engine.isOnline(bob.id));

    const outcomes = ['one', 'two', 'three'].map((text) => ada.engine.sendChat(bob.id, text));
    expect(outcomes).toEqual(['queued', 'queued', 'queued']);
    const ids = ada.actions.outgoing.map((line) => line.id);
    expect(ids.map((id) => ada.actions.statuses.get(id))).toEqual(['waiting', 'waiting', 'waiting']);

    const bob2 = await open(b);
    await bob2.actions.until(() => bob2.actions.incoming.length >= 3);
    await ada.actions.until(() => ids.every((id) => ada.actions.statuses.get(id) === 'delivered'));
    // A round trip more, so that a repeat would have arrived by now.
    expect(ada.engine.sendChat(bob2.id, 'four')).toBe('sent');
    await bob2.actions.until(() => bob2.actions.incoming.length >= 4);
    expect(bob2.actions.incoming.map((line) => line.text)).toEqual(['one', 'two', 'three', 'four']);
    await ada.actions.until(() => ada.remembered.outbox(bob.id).length === 0);
  });

  it('keep waiting lines across a restart of the writer', async () => {
    const [a, b] = [profile('Ada'), profile('Bob')];
    const [ada, bob] = [await open(a), await open(b)];
    await pair(ada, bob);
    await close(bob);
    await ada.actions.until(() => !ada.engine.isOnline(bob.id));
    ada.engine.sendChat(bob.id, 'kept');
    await close(ada);

    const ada2 = await open(a);
    expect(ada2.remembered.allWaiting().map((entry) => entry.text)).toEqual(['kept']);
    const bob2 = await open(b);
    await bob2.actions.until(() => bob2.actions.incoming.some((line) => line.text === 'kept'));
    await ada2.actions.until(() => ada2.remembered.outbox(bob.id).length === 0);
  });

  it('a forgotten device cannot come back without a new code', async () => {
    const [a, b] = [profile('Ada'), profile('Bob')];
    const [ada, bob] = [await open(a), await open(b)];
    await pair(ada, bob);
    await ada.engine.forget(bob.id);
    await bob.actions.until(() => !bob.engine.isOnline(ada.id));
    expect(await a.book.devices()).toEqual([]);

    // Bob still remembers Ada and keeps looking; Ada is not in their room any more.
    await close(bob);
    const bob2 = await open(b);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(bob2.engine.isOnline(ada.id)).toBe(false);
    expect(ada.engine.isOnline(bob.id)).toBe(false);

    // A new code brings them together again.
    await pair(ada, bob2);
  });
});
