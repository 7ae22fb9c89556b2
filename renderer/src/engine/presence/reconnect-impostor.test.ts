/**
 * A reconnection is checked against what was remembered at pairing, whatever the service does: a
 * hostile service (here a hub that hands every presence signal to the other side, whatever room it
 * was sent to) puts a device that claims a remembered device's id and public key, without its
 * signing key, through to the other. Real WebRTC (simple-peer over @roamhq/wrtc).
 */
import { describe, expect, it } from 'vitest';
import type { HelloMessage } from '../../../../contracts/peer-protocol';
import { rendezvousIdOf } from '../../../../contracts/presence';
import type { IceServer, SignalData } from '../../../../contracts/signaling';
import type { LocalIdentity } from '../pairing-attempt';
import type { PeerSession } from '../peer-session';
import { memoryDeviceBook } from '../remembered/device-book';
import { RememberedDevices } from '../remembered/remembered-devices';
import { testIdentity } from '../testing/test-identity';
import type { PresenceConnection, PresenceHandlers, PresenceSigner } from './presence-connection';
import { Reconnector, type ReconnectRefusal } from './reconnector';

/** Two presence connections wired to each other by a service that ignores rooms. */
function hostileHub() {
  const sides: { handlers: PresenceHandlers; rooms: string[] }[] = [];
  const connect = (ownKey: string, handlers: PresenceHandlers): PresenceConnection => {
    const side = { handlers, rooms: [] as string[] };
    sides.push(side);
    const fake = {
      connected: true,
      watch: (key: string) => {
        side.rooms.push(rendezvousIdOf(ownKey, key));
        // Both in "the room": each is told the other is present.
        if (sides.length === 2 && sides.every((s) => s.rooms.length > 0)) {
          for (const s of sides)
            setTimeout(() => s.handlers.onPeer(s.rooms[0] ?? '', true, [] as IceServer[]), 0);
        }
        return rendezvousIdOf(ownKey, key);
      },
      unwatch: () => undefined,
      unwatchRoom: () => undefined,
      wake: () => undefined,
      close: () => undefined,
      signal: (_room: string, data: SignalData) => {
        const other = sides.find((s) => s !== side);
        setTimeout(() => other?.handlers.onSignal(other.rooms[0] ?? '', data, false), 0);
        return Promise.resolve({ ok: true as const, value: null });
      },
    };
    return fake as unknown as PresenceConnection;
  };
  return { connect };
}

/** What the device said at pairing, as remembered (only the identity fields are read back). */
function helloOf(identity: LocalIdentity, fingerprint: string): HelloMessage {
  return {
    v: 1,
    type: 'hello',
    deviceId: identity.deviceId,
    publicKey: identity.publicKey,
    certificateFingerprint: fingerprint,
    identityProof: 'x'.repeat(86),
    deviceName: identity.deviceName,
    appVersion: identity.appVersion,
  };
}

describe('reconnecting to a remembered device through a service that ignores rooms', () => {
  /** Ada remembers Bob; `other` comes back claiming to be Bob. */
  async function meet(other: (bob: LocalIdentity) => LocalIdentity) {
    const ada = testIdentity('Ada');
    const bob = testIdentity('Bob');
    const comer = other(bob);
    const fingerprint = `${'AB:'.repeat(31)}AB`;
    const adaBook = new RememberedDevices(memoryDeviceBook());
    adaBook.remember(helloOf(bob, fingerprint));
    const comerBook = new RememberedDevices(memoryDeviceBook());
    comerBook.remember(helloOf(ada, fingerprint));

    const hub = hostileHub();
    const refusals: ReconnectRefusal[] = [];
    const adopted: HelloMessage[] = [];
    const sessions: PeerSession[] = [];
    const common = {
      serviceUrls: () => ['http://hostile.invalid'],
      extraIceServers: () => [],
      isOnline: () => false,
      dropLink: () => undefined,
      createPresence: (_url: string, signer: PresenceSigner, handlers: PresenceHandlers) =>
        hub.connect(signer.publicKey, handlers),
      random: () => 0.5,
      helloTimeoutMs: 10_000,
    };
    const atAda = new Reconnector({
      ...common,
      identity: () => ada,
      remembered: adaBook,
      adopt: (session, hello) => {
        sessions.push(session);
        adopted.push(hello);
      },
      onRefused: (_device, reason) => refusals.push(reason),
    });
    const atComer = new Reconnector({
      ...common,
      identity: () => comer,
      remembered: comerBook,
      adopt: (session) => sessions.push(session),
    });
    atAda.refresh();
    atComer.refresh();
    const done = () => {
      atAda.dispose();
      atComer.dispose();
      for (const session of sessions) session.close();
    };
    return { bob, refusals, adopted, done };
  }

  it('takes the remembered device back once it proves its key on this connection', async () => {
    const { bob, refusals, adopted, done } = await meet((bob) => bob);
    try {
      await expect
        .poll(() => adopted.map((hello) => hello.deviceId), { timeout: 20_000 })
        .toEqual([bob.deviceId]);
      expect(refusals).toEqual([]);
    } finally {
      done();
    }
  }, 30_000);

  it('refuses a device that presents the remembered id and public key without the signing key', async () => {
    // Mallory says she is Bob: Bob's id and public key, her own signing key.
    const mallory = testIdentity('Mallory');
    const { refusals, adopted, done } = await meet((bob) => ({
      ...mallory,
      deviceId: bob.deviceId,
      publicKey: bob.publicKey,
    }));
    try {
      await expect.poll(() => refusals, { timeout: 20_000 }).toEqual(['identity-refused']);
      expect(adopted).toEqual([]);
    } finally {
      done();
    }
  }, 30_000);
});
