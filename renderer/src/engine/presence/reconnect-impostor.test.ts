/**
 * A reconnection is checked against what was remembered at pairing, whatever the service does: a
 * hostile service (here a hub that hands every presence signal to the other side, whatever room it
 * was sent to) puts a device that claims a remembered device's id and public key, without its
 * signing key, through to the other; or the real device comes back with a certificate other than
 * the pinned one. Real WebRTC (simple-peer over @roamhq/wrtc).
 *
 * @roamhq/wrtc makes a new certificate for every connection, so "the pinned certificate" is pinned
 * here as the hub sees it go by in the returning device's SDP, before any hello is judged.
 */
import { describe, expect, it } from 'vitest';
import { sha256FingerprintInSdp } from '../../../../contracts/device-identity';
import type { HelloMessage } from '../../../../contracts/peer-protocol';
import { rendezvousIdOf } from '../../../../contracts/presence';
import type { IceServer, SignalData } from '../../../../contracts/signaling';
import type { LocalIdentity } from '../pairing-attempt';
import type { PeerSession } from '../peer-session';
import { memoryDeviceBook } from '../remembered/device-book';
import { RememberedDevices } from '../remembered/remembered-devices';
import { generateSecretKey, signCertificateRotation } from '../identity/device-identity';
import { testIdentity } from '../testing/test-identity';
import type { PresenceConnection, PresenceHandlers, PresenceSigner } from './presence-connection';
import { Reconnector, type ReconnectRefusal } from './reconnector';

/** Two presence connections wired to each other by a service that ignores rooms. */
function hostileHub(seen: (fromKey: string, data: SignalData) => void = () => undefined) {
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
        seen(ownKey, data);
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

/** A certificate Bob had once (pinned at pairing), not the one his connection shows now. */
const OLD_FINGERPRINT = `${'AB:'.repeat(31)}AB`;

describe('reconnecting to a remembered device through a service that ignores rooms', () => {
  /**
   * Ada remembers Bob; `other` comes back claiming to be Bob. Ada has pinned `pinned` for Bob: an
   * old certificate, or the very one the comer's connection shows (read off its SDP on the way).
   */
  async function meet(
    other: (bob: LocalIdentity, bobKey: Uint8Array) => LocalIdentity,
    pinned: 'this-connection' | string = OLD_FINGERPRINT,
  ) {
    const ada = testIdentity('Ada');
    const bobKey = generateSecretKey();
    const bob = testIdentity('Bob', bobKey);
    const comer = other(bob, bobKey);
    const adaBook = new RememberedDevices(memoryDeviceBook());
    adaBook.remember(helloOf(bob, pinned === 'this-connection' ? OLD_FINGERPRINT : pinned));
    const comerBook = new RememberedDevices(memoryDeviceBook());
    comerBook.remember(helloOf(ada, OLD_FINGERPRINT));

    /** Fingerprints pinned from the comer's SDP (one per connection it tried). */
    const pinnedOnTheWay: string[] = [];
    const hub = hostileHub((fromKey, data) => {
      const fingerprint =
        data.type === 'offer' || data.type === 'answer' ? sha256FingerprintInSdp(data.sdp ?? '') : null;
      if (!fingerprint) return;
      if (pinned === 'this-connection' && fromKey === comer.publicKey) {
        if (pinnedOnTheWay.at(-1) !== fingerprint) pinnedOnTheWay.push(fingerprint);
        adaBook.remember(helloOf(bob, fingerprint));
      }
      // The comer's view of Ada is not under test here: Ada's certificate is the one it pinned.
      if (fromKey === ada.publicKey) comerBook.remember(helloOf(ada, fingerprint));
    });
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
        // As the engine does: the certificate of the verified connection is pinned.
        adaBook.remember(hello);
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
    return { bob, refusals, adopted, adaBook, pinnedOnTheWay, done };
  }

  it('takes the remembered device back when DTLS negotiated the pinned certificate', async () => {
    const { bob, refusals, adopted, adaBook, pinnedOnTheWay, done } = await meet(
      (bob) => bob,
      'this-connection',
    );
    try {
      await expect
        .poll(() => adopted.map((hello) => hello.deviceId), { timeout: 20_000 })
        .toEqual([bob.deviceId]);
      expect(refusals).toEqual([]);
      // The literal pin held: no rotation was needed, and the pin did not move (each move on record
      // is the test's own pinning, one per connection the comer tried).
      expect(adopted[0]?.certificateRotations).toBeUndefined();
      expect(adaBook.get(bob.deviceId)?.certificateFingerprint).toBe(adopted[0]?.certificateFingerprint);
      expect(adopted[0]?.certificateFingerprint).toBe(pinnedOnTheWay.at(-1));
      expect(adaBook.get(bob.deviceId)?.replacedFingerprints).toHaveLength(pinnedOnTheWay.length);
    } finally {
      done();
    }
  }, 30_000);

  /** Bob comes back with another certificate and these statements: refused, and the pin stays. */
  async function expectCertificateRefused(rotations: LocalIdentity['certificateRotations']) {
    const { refusals, adopted, adaBook, bob, done } = await meet((bob) => ({
      ...bob,
      certificateRotations: rotations,
    }));
    try {
      await expect.poll(() => refusals, { timeout: 20_000 }).toEqual(['certificate-changed']);
      expect(adopted).toEqual([]);
      expect(adaBook.get(bob.deviceId)?.certificateFingerprint).toBe(OLD_FINGERPRINT);
    } finally {
      done();
    }
  }

  it('refuses the remembered device, key and all, when its certificate is not the pinned one and it shows no rotation', async () => {
    // Bob himself, with his key, but the connection's certificate is not the pinned one.
    await expectCertificateRefused(() => []);
  }, 30_000);

  it('refuses a rotation statement that the pinned key did not sign', async () => {
    const mallory = testIdentity('Mallory');
    await expectCertificateRefused((local) => [
      signCertificateRotation(mallory.sign, OLD_FINGERPRINT, local),
    ]);
  }, 30_000);

  it('takes the device back on a rotation statement signed by the pinned key, and pins the new certificate', async () => {
    const { bob, refusals, adopted, adaBook, done } = await meet((bob, bobKey) => ({
      ...bob,
      // Two renewals while Ada was away: old → middle → the certificate of this connection.
      certificateRotations: (local) => {
        const middle = `${'CD:'.repeat(31)}CD`;
        const sign = (message: Uint8Array) => testIdentity('Bob', bobKey).sign(message);
        return [
          signCertificateRotation(sign, OLD_FINGERPRINT, middle),
          signCertificateRotation(sign, middle, local),
        ];
      },
    }));
    try {
      await expect
        .poll(() => adopted.map((hello) => hello.deviceId), { timeout: 20_000 })
        .toEqual([bob.deviceId]);
      expect(refusals).toEqual([]);
      const now = adopted[0]?.certificateFingerprint;
      expect(now).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(now).not.toBe(OLD_FINGERPRINT);
      const kept = adaBook.get(bob.deviceId);
      expect(kept?.certificateFingerprint).toBe(now);
      expect(kept?.replacedFingerprints?.map((entry) => entry.fingerprint)).toEqual([OLD_FINGERPRINT]);
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
