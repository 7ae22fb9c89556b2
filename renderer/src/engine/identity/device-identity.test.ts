import { describe, expect, it } from 'vitest';
import { checkHelloIdentity, followRotations } from '../../../../contracts/device-identity';
import { RENEW_BEFORE_MS, loadDeviceIdentity, signHelloProof } from './device-identity';
import { memoryIdentityStore } from './identity-store';

const DAY = 24 * 60 * 60 * 1000;

/** Stands in for RTCPeerConnection.generateCertificate (Node has none): a fingerprint per call. */
function certificateMaker(now: () => number) {
  let made = 0;
  return {
    get made() {
      return made;
    },
    generate: async (keygen: { expires: number }) => {
      made++;
      const byte = made.toString(16).padStart(2, '0').toUpperCase();
      return {
        expires: now() + Math.min(keygen.expires, 365 * DAY),
        getFingerprints: () => [
          {
            algorithm: 'sha-256',
            value: Array.from({ length: 32 }, () => byte)
              .join(':')
              .toLowerCase(),
          },
        ],
      } as unknown as RTCCertificate;
    },
  };
}

describe('loadDeviceIdentity', () => {
  it('makes an identity on first start and gives the same one (id, key, certificate) afterwards', async () => {
    let time = 1_000;
    const now = () => time;
    const store = memoryIdentityStore();
    const maker = certificateMaker(now);
    const first = await loadDeviceIdentity({ store, generateCertificate: maker.generate, now });
    time += 100 * DAY;
    const again = await loadDeviceIdentity({ store, generateCertificate: maker.generate, now });
    expect(again.deviceId).toBe(first.deviceId);
    expect(again.publicKey).toBe(first.publicKey);
    expect(again.certificate).toBe(first.certificate);
    expect(again.certificateFingerprint).toBe(first.certificateFingerprint);
    expect(first.certificateFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(maker.made).toBe(1);
  });

  it('renews a certificate near its end with the same key, so the device id stays', async () => {
    let time = 0;
    const now = () => time;
    const store = memoryIdentityStore();
    const maker = certificateMaker(now);
    const first = await loadDeviceIdentity({ store, generateCertificate: maker.generate, now });
    time = 365 * DAY - RENEW_BEFORE_MS + 1;
    const renewed = await loadDeviceIdentity({ store, generateCertificate: maker.generate, now });
    expect(maker.made).toBe(2);
    expect(renewed.deviceId).toBe(first.deviceId);
    expect(renewed.certificateFingerprint).not.toBe(first.certificateFingerprint);
    expect((await store.load())?.certificate).toBe(renewed.certificate);
    // It signed the change when it made the new certificate: a device that pinned the old one
    // follows the statement to the new one with the key it pinned, and only for this certificate.
    const newFp = renewed.certificateFingerprint ?? '';
    const rotations = renewed.certificateRotations(newFp);
    expect(rotations).toHaveLength(1);
    expect(followRotations(first.certificateFingerprint ?? '', newFp, rotations, first.publicKey)).toBe(true);
    expect(renewed.certificateRotations(first.certificateFingerprint ?? '')).toEqual([]);
    expect(first.certificateRotations(first.certificateFingerprint ?? '')).toEqual([]);
    // Kept across starts.
    const again = await loadDeviceIdentity({ store, generateCertificate: maker.generate, now });
    expect(again.certificateRotations(newFp)).toEqual(rotations);
  });

  it('keeps the identity saved first when two windows make one at once', async () => {
    const store = memoryIdentityStore();
    const [one, two] = await Promise.all([loadDeviceIdentity({ store }), loadDeviceIdentity({ store })]);
    expect(one.deviceId).toBe(two.deviceId);
  });

  it('signs hello proofs another device accepts', async () => {
    const identity = await loadDeviceIdentity({ store: memoryIdentityStore() });
    const local = Array.from({ length: 32 }, () => '0A').join(':');
    const remote = Array.from({ length: 32 }, () => '0B').join(':');
    const hello = {
      deviceId: identity.deviceId,
      publicKey: identity.publicKey,
      certificateFingerprint: local,
      identityProof: signHelloProof(identity, { local, remote }),
    };
    expect(checkHelloIdentity(hello, { local: remote, remote: local })).toBeNull();
  });
});
